import type { CredentialConfiguration, DropdownOption } from '@switchboard/contracts';
import { SettingsForm } from './SettingsForm';
import { type FormValues, initialFormValues } from './settingValues';
import type { PortalWorkflow } from './userState';

/**
 * The workflows the user can turn on or off for the shown account, each a switch; a workflow that is
 * on and has inputs shows its settings form under it.
 */
export function WorkflowList(props: {
  workflows: PortalWorkflow[];
  configuration: CredentialConfiguration;
  dropdowns: Record<string, DropdownOption[]> | undefined;
  busy: boolean;
  onToggle(workflow: PortalWorkflow, enabled: boolean): void;
  onSaveSettings(workflow: PortalWorkflow, values: FormValues): Promise<void>;
}) {
  if (props.workflows.length === 0) return null;
  return (
    <section className="section" aria-labelledby="workflows-heading">
      <h3 id="workflows-heading" className="section__title">
        Workflows
      </h3>
      <ul className="workflow-list">
        {props.workflows.map((workflow) => {
          const state = props.configuration.workflowSettings[workflow.id];
          const enabled = state?.enabled === true;
          const labelId = `workflow-${workflow.id}-label`;
          return (
            <li key={workflow.id} className="workflow" data-enabled={enabled}>
              <div className="workflow__row">
                <span id={labelId} className="workflow__name">
                  {workflow.description}
                </span>
                <button
                  type="button"
                  role="switch"
                  aria-checked={enabled}
                  aria-labelledby={labelId}
                  className="switch"
                  data-testid={`workflow-toggle-${workflow.id}`}
                  disabled={props.busy}
                  onClick={() => props.onToggle(workflow, !enabled)}
                >
                  <span className="switch__track" aria-hidden="true">
                    <span className="switch__thumb" />
                  </span>
                  <span className="switch__text">{enabled ? 'On' : 'Off'}</span>
                </button>
              </div>
              {enabled && workflow.inputs.length > 0 ? (
                <SettingsForm
                  key={`${props.configuration.id}-${workflow.id}`}
                  inputs={workflow.inputs}
                  initial={initialFormValues(workflow.inputs, state?.settings)}
                  dropdowns={props.dropdowns}
                  idPrefix={`workflow-${workflow.id}`}
                  testIdPrefix={`workflow-${workflow.id}-setting-`}
                  submitLabel="Save workflow settings"
                  submitTestId={`workflow-save-${workflow.id}`}
                  busy={props.busy}
                  onSave={(values) => props.onSaveSettings(workflow, values)}
                />
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
