import type { WorkflowDefinition } from '@switchboard/contracts';
import { type ValidateWorkflowOptions, validateWorkflow } from './validateWorkflow';

/**
 * Declares a workflow in TypeScript (the project's own repository; `switchboard deploy <dir>` sends it
 * to the server). The argument is typed, so editors complete step kinds and fields; the definition is
 * validated right away, so a mistake fails where the workflow is defined, with every problem listed
 * (AppError VALIDATION_FAILED). Returns the validated definition, which is plain JSON.
 *
 * @example
 * export default defineWorkflow({
 *   integration: 'sandbox',
 *   description: 'Create a CRM contact when a user signs up',
 *   trigger: { type: 'appEvent', event: 'Contact Created' },
 *   steps: [
 *     { id: 'create', type: 'integration', method: 'POST', path: '/contacts',
 *       body: { name: '{{trigger.name}}', email: '{{trigger.email}}' }, retries: 3 },
 *   ],
 * });
 */
export function defineWorkflow(
  definition: WorkflowDefinition,
  options: ValidateWorkflowOptions = {},
): WorkflowDefinition {
  return validateWorkflow(definition, options);
}
