import type {
  Credential,
  MeResponse,
  PortalInitMessage,
  PortalToSdkMessage,
  SdkIntegration,
} from '@switchboard/contracts';
import { type CSSProperties, useCallback, useState } from 'react';
import { AccountSection } from './AccountSection';
import { accentOf, textOn } from './accentColor';
import { ConnectForm } from './ConnectForm';
import { Dialog } from './Dialog';
import { FinishSetupForm } from './FinishSetupForm';
import { MarkdownView } from './MarkdownView';
import type { PortalApi } from './portalApi';
import { SettingsForm } from './SettingsForm';
import { type FormValues, initialFormValues, mergeSettings } from './settingValues';
import {
  accountLabel,
  credentialsOf,
  defaultConfiguration,
  type PortalWorkflow,
  pickCredential,
  workflowsOf,
} from './userState';
import { WorkflowList } from './WorkflowList';

type Status = { tone: 'info' | 'success' | 'error'; text: string };

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length <= 100 ? code : undefined;
}

/** The portal for one integration: overview and Connect, or the connected account and its settings. */
export function IntegrationDialog(props: {
  init: PortalInitMessage;
  api: PortalApi;
  integration: SdkIntegration;
  me: MeResponse;
  setMe(me: MeResponse): void;
  post(message: PortalToSdkMessage): void;
  onClose(): void;
}) {
  const { init, api, integration, me, post, setMe } = props;
  const type = integration.type;
  const values = integration.configs[0]?.values;
  const dropdowns = init.installOptions.dropdowns;
  const [selected, setSelected] = useState(init.installOptions.selectedCredentialId);
  const [adding, setAdding] = useState(init.installOptions.closeAfterInstall === true);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<Status>();

  const credentials = credentialsOf(me, type);
  const credential = adding ? undefined : pickCredential(me, type, selected);
  const configuration = credential ? defaultConfiguration(credential) : undefined;
  const ref = { integrationId: integration.id, integrationType: type };
  const accent = accentOf(values?.accentColor, integration.brandColor);
  const style = { '--accent': accent, '--on-accent': textOn(accent) } as CSSProperties;

  const reload = useCallback(async () => setMe(await api.me()), [api, setMe]);

  /** Runs a change; a failure is shown in the status line with what was being done. */
  const run = async (failure: string, task: () => Promise<void>) => {
    setBusy(true);
    setStatus({ tone: 'info', text: 'Saving…' });
    try {
      await task();
    } catch (error) {
      setStatus({ tone: 'error', text: `${failure}: ${describeError(error)}` });
    } finally {
      setBusy(false);
    }
  };

  const postInputs = integration.sdkIntegrationConfig?.postOauthInputs ?? [];
  /** Connected, but the post-OAuth inputs are still to be given (complete-setup makes it VALID). */
  const needsSetup = (candidate: Credential) => candidate.status === 'PENDING' && postInputs.length > 0;

  const onConnected = async (created: Credential) => {
    if (needsSetup(created)) {
      setSelected(created.id);
      setAdding(false);
      setStatus({
        tone: 'info',
        text: `Connected ${accountLabel(created)}. Finish setting up to start using it.`,
      });
      await reload().catch((error: unknown) =>
        setStatus({
          tone: 'error',
          text: `Connected, but could not reload your account: ${describeError(error)}`,
        }),
      );
      return;
    }
    await installed(created);
  };

  /** Tells the app about a usable (VALID) credential, then closes or shows it. */
  const installed = async (created: Credential) => {
    post({ type: 'switchboard:installed', ...ref, credential: created });
    setSelected(created.id);
    setAdding(false);
    setStatus({ tone: 'success', text: `Connected ${accountLabel(created)}.` });
    if (init.installOptions.closeAfterInstall) {
      props.onClose();
      return;
    }
    await reload().catch((error: unknown) =>
      setStatus({
        tone: 'error',
        text: `Connected, but could not reload your account: ${describeError(error)}`,
      }),
    );
  };

  const onFailed = (error: unknown) => {
    const message = describeError(error);
    setStatus({ tone: 'error', text: `Could not connect ${integration.name}: ${message}` });
    const code = codeOf(error);
    post({
      type: 'switchboard:error',
      integrationType: type,
      message: message.slice(0, 2000),
      ...(code ? { code } : {}),
    });
  };

  const toggle = (workflow: PortalWorkflow, enabled: boolean) => {
    if (!credential || !configuration) return;
    void run(`Could not turn ${enabled ? 'on' : 'off'} “${workflow.description}”`, async () => {
      await api.setWorkflowEnabled(workflow.id, enabled, credential.id, configuration.id);
      post({
        type: 'switchboard:workflow-change',
        ...ref,
        workflowId: workflow.id,
        workflowStateChange: { enabled },
      });
      await reload();
      setStatus({ tone: 'success', text: `“${workflow.description}” is ${enabled ? 'on' : 'off'}.` });
    });
  };

  const saveWorkflowSettings = (workflow: PortalWorkflow, form: FormValues) =>
    run(`Could not save the settings of “${workflow.description}”`, async () => {
      if (!credential || !configuration) return;
      const current = configuration.workflowSettings;
      const settings = mergeSettings(workflow.inputs, form, current[workflow.id]?.settings);
      const saved = await api.saveWorkflowSettings(credential.id, configuration.id, {
        ...current,
        [workflow.id]: { enabled: current[workflow.id]?.enabled ?? true, settings },
      });
      if (saved.errors?.length) throw new Error(saved.errors.join(' '));
      post({
        type: 'switchboard:workflow-change',
        ...ref,
        workflowId: workflow.id,
        workflowStateChange: { settings },
      });
      await reload();
      setStatus({ tone: 'success', text: `Saved the settings of “${workflow.description}”.` });
    });

  const sharedInputs = values?.sharedMeta.inputs ?? [];
  const saveSharedSettings = (form: FormValues) =>
    run('Could not save your settings', async () => {
      if (!credential || !configuration) return;
      const sharedSettings = mergeSettings(sharedInputs, form, configuration.sharedSettings);
      const saved = await api.saveSharedSettings(credential.id, configuration.id, sharedSettings);
      if (saved.errors?.length) throw new Error(saved.errors.join(' '));
      post({ type: 'switchboard:settings-change', ...ref, credentialId: credential.id });
      await reload();
      setStatus({ tone: 'success', text: 'Settings saved.' });
    });

  const completeSetup = (payload: Record<string, unknown>) => {
    if (!credential) return;
    const pending = credential;
    return run(`Could not finish setting up ${integration.name}`, async () => {
      const done = await api.completeSetup(pending.id, integration.id, payload);
      await installed(done);
    });
  };

  const disconnect = () => {
    if (!credential) return;
    void run(`Could not disconnect ${accountLabel(credential)}`, async () => {
      await api.uninstall(integration.id, credential.id);
      post({ type: 'switchboard:uninstalled', ...ref, credentialId: credential.id });
      setSelected(undefined);
      await reload();
      setStatus({ tone: 'success', text: `Disconnected ${accountLabel(credential)}.` });
      // The Disconnect button is gone: keep focus in the dialog, on its title.
      document.getElementById('portal-title')?.focus();
    });
  };

  const overview = values?.overview ? <MarkdownView source={values.overview} baseLevel={2} /> : null;

  return (
    <Dialog labelledBy="portal-title" describedBy="portal-description" onClose={props.onClose} style={style}>
      <header className="dialog__header">
        <img className="dialog__icon" src={integration.icon} alt="" width={48} height={48} />
        <div className="dialog__heading">
          <h2 id="portal-title" tabIndex={-1}>
            {integration.name}
          </h2>
          <p id="portal-description">{values?.description}</p>
        </div>
        <button
          type="button"
          className="icon-button"
          data-testid="portal-close"
          aria-label="Close"
          onClick={props.onClose}
        >
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
            <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
          </svg>
        </button>
      </header>
      <div className="dialog__body">
        {credential && configuration ? (
          <>
            {needsSetup(credential) ? (
              <FinishSetupForm
                integrationName={integration.name}
                credential={credential}
                inputs={postInputs}
                dropdowns={dropdowns}
                busy={busy}
                onSave={completeSetup}
              />
            ) : null}
            <AccountSection
              integrationName={integration.name}
              credentials={credentials}
              credential={credential}
              allowMultiple={init.installOptions.allowMultipleCredentials === true}
              busy={busy}
              onSelect={(id) => {
                setSelected(id);
                setStatus(undefined);
              }}
              onAddAccount={() => setAdding(true)}
              onDisconnect={disconnect}
            />
            {needsSetup(credential) ? null : (
              <WorkflowList
                workflows={workflowsOf(integration)}
                configuration={configuration}
                dropdowns={dropdowns}
                busy={busy}
                onToggle={toggle}
                onSaveSettings={saveWorkflowSettings}
              />
            )}
            {sharedInputs.length > 0 && !needsSetup(credential) ? (
              <section className="section" aria-labelledby="settings-heading">
                <h3 id="settings-heading" className="section__title">
                  Settings
                </h3>
                <SettingsForm
                  key={configuration.id}
                  inputs={sharedInputs}
                  initial={initialFormValues(sharedInputs, configuration.sharedSettings)}
                  dropdowns={dropdowns}
                  idPrefix="setting"
                  testIdPrefix="setting-"
                  submitLabel="Save settings"
                  submitTestId="portal-save-settings"
                  busy={busy}
                  onSave={saveSharedSettings}
                />
              </section>
            ) : null}
            {overview ? (
              <details className="section overview">
                <summary>About {integration.name}</summary>
                {overview}
              </details>
            ) : null}
          </>
        ) : (
          <>
            {overview ? <section className="section overview">{overview}</section> : null}
            <ConnectForm
              integration={integration}
              init={init}
              api={api}
              busy={busy}
              setBusy={setBusy}
              onConnected={onConnected}
              onFailed={onFailed}
              {...(adding && credentials.length > 0 && !init.installOptions.closeAfterInstall
                ? { onCancel: () => setAdding(false) }
                : {})}
            />
          </>
        )}
      </div>
      <p
        className="status"
        data-testid="portal-status"
        data-tone={status?.tone}
        role="status"
        aria-live="polite"
      >
        {status?.text}
      </p>
    </Dialog>
  );
}
