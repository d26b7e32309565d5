import type { ConnectInput, Credential, DropdownOption } from '@switchboard/contracts';
import { SettingsForm } from './SettingsForm';
import { type FormValues, fromFormValue, initialFormValues } from './settingValues';

/** The post-OAuth inputs of `inputs` as the complete-setup payload (empty optional values left out). */
export function postSetupPayload(inputs: ConnectInput[], values: FormValues): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const input of inputs) {
    const value = fromFormValue(input, values[input.id] ?? '');
    if (value !== undefined) payload[input.id] = value;
  }
  return payload;
}

/**
 * "Finish setting up": what the integration asks after the OAuth popup (its post-OAuth inputs, e.g.
 * which workspace to use). The account is connected but PENDING until these are saved.
 */
export function FinishSetupForm(props: {
  integrationName: string;
  credential: Credential;
  inputs: ConnectInput[];
  dropdowns: Record<string, DropdownOption[]> | undefined;
  busy: boolean;
  onSave(payload: Record<string, unknown>): Promise<void> | void;
}) {
  return (
    <section className="section" aria-labelledby="finish-setup-heading" data-testid="portal-finish-setup">
      <h3 id="finish-setup-heading" className="section__title">
        Finish setting up
      </h3>
      <p className="field__hint">
        Your {props.integrationName} account is connected. Tell us a little more to start using it.
      </p>
      <SettingsForm
        key={props.credential.id}
        inputs={props.inputs}
        initial={initialFormValues(props.inputs, undefined)}
        dropdowns={props.dropdowns}
        idPrefix="post"
        testIdPrefix="post-"
        submitLabel={props.busy ? 'Saving…' : 'Finish setup'}
        submitTestId="portal-complete-setup"
        busy={props.busy}
        onSave={(values) => props.onSave(postSetupPayload(props.inputs, values))}
      />
    </section>
  );
}
