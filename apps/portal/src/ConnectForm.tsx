import { runOAuthPopup } from '@switchboard/connect/oauthPopup';
import type { ConnectInput, Credential, PortalInitMessage, SdkIntegration } from '@switchboard/contracts';
import { useState } from 'react';
import type { PortalApi } from './portalApi';
import { SettingsForm } from './SettingsForm';
import { type FormValues, fromFormValue, initialFormValues } from './settingValues';

/**
 * Connecting an account: the account type (when the integration offers several and the app did not
 * choose), the inputs the scheme needs — pre-OAuth inputs (e.g. a Shopify shop) before the OAuth
 * popup, or the API key fields of a `basic` integration — and the Connect button.
 */
export function ConnectForm(props: {
  integration: SdkIntegration;
  init: PortalInitMessage;
  api: PortalApi;
  busy: boolean;
  setBusy(busy: boolean): void;
  onConnected(credential: Credential): Promise<void>;
  onFailed(error: unknown): void;
  onCancel?: () => void;
}) {
  const { integration, init, api } = props;
  const config = integration.sdkIntegrationConfig;
  const accountTypes = config?.accountTypes ?? [];
  const [accountType, setAccountType] = useState<string | undefined>(
    init.installOptions.accountType ?? (accountTypes.length === 1 ? accountTypes[0]?.id : undefined),
  );
  const [accountTypeError, setAccountTypeError] = useState<string>();
  const chosen = accountTypes.find((candidate) => candidate.id === accountType);
  const scheme = chosen?.scheme ?? integration.authenticationType;
  const isOAuth = scheme === 'oauth';
  const inputs: ConnectInput[] = (isOAuth ? config?.oauthInputs : config?.authConfigInputs) ?? [];
  const askAccountType = accountTypes.length > 1 && !init.installOptions.accountType;

  const payloadOf = (values: FormValues) => {
    const payload: Record<string, unknown> = {};
    for (const input of inputs) {
      const value = fromFormValue(input, values[input.id] ?? '');
      if (value !== undefined) payload[input.id] = value;
    }
    return payload;
  };

  const installOptions = {
    ...(init.installOptions.allowMultipleCredentials !== undefined
      ? { allowMultipleCredentials: init.installOptions.allowMultipleCredentials }
      : {}),
    ...(init.installOptions.selectedCredentialId
      ? { selectedCredentialId: init.installOptions.selectedCredentialId }
      : {}),
    ...(accountType ? { accountType } : {}),
  };

  // Called synchronously from the submit event: the OAuth popup must open inside the user's click.
  const connect = (values: FormValues) => {
    if (askAccountType && !accountType) {
      setAccountTypeError('Choose the kind of account to connect.');
      document.getElementById('connect-account-type-0')?.focus();
      return;
    }
    props.setBusy(true);
    const created: Promise<Credential> = isOAuth
      ? runOAuthPopup({
          host: window.location.origin,
          projectId: api.auth.projectId,
          token: api.auth.token,
          integrationId: integration.id,
          integrationType: integration.type,
          endUserSuppliedValues: payloadOf(values),
          installOptions,
          window,
          fetch: (url, requestInit) => fetch(url, requestInit),
        }).then((credentialId) => api.credential(credentialId))
      : api.createCredential(integration.id, payloadOf(values), installOptions);
    created
      .then((credential) => props.onConnected(credential))
      .catch((error: unknown) => props.onFailed(error))
      .finally(() => props.setBusy(false));
  };

  const noFields = !isOAuth && inputs.length === 0;
  return (
    <section className="section" aria-labelledby="connect-heading">
      <h3 id="connect-heading" className="section__title">
        Connect your {integration.name} account
      </h3>
      {noFields ? (
        <p className="notice" role="note">
          This integration needs credentials, but no fields are configured for it yet. Ask the app's
          administrators to finish setting up {integration.name}.
        </p>
      ) : null}
      <SettingsForm
        inputs={inputs}
        initial={initialFormValues(inputs, undefined)}
        dropdowns={init.installOptions.dropdowns}
        idPrefix="connect"
        testIdPrefix="connect-"
        submitLabel={props.busy ? 'Connecting…' : 'Connect'}
        submitTestId="portal-connect"
        busy={props.busy || noFields}
        onSave={connect}
      >
        {askAccountType ? (
          <fieldset
            className="field"
            aria-describedby={accountTypeError ? 'connect-account-type-error' : undefined}
          >
            <legend>Account type</legend>
            {accountTypes.map((candidate, index) => (
              <label key={candidate.id} className="radio">
                <input
                  id={`connect-account-type-${index}`}
                  type="radio"
                  name="accountType"
                  value={candidate.id}
                  checked={accountType === candidate.id}
                  onChange={() => {
                    setAccountType(candidate.id);
                    setAccountTypeError(undefined);
                  }}
                />
                {candidate.accountDescription || candidate.id}
              </label>
            ))}
            {accountTypeError ? (
              <p id="connect-account-type-error" className="field__error">
                {accountTypeError}
              </p>
            ) : null}
          </fieldset>
        ) : null}
        {isOAuth ? (
          <p className="field__hint">
            A window opens where you sign in to {integration.name} and allow access.
          </p>
        ) : null}
      </SettingsForm>
      {props.onCancel ? (
        <button type="button" className="button button--quiet" onClick={props.onCancel} disabled={props.busy}>
          Cancel
        </button>
      ) : null}
    </section>
  );
}
