import type { WorkflowDefinition } from '@switchboard/contracts';
import { type ExecutionState, stepInstanceKey } from './executionState';
import { indexWorkflow } from './indexWorkflow';
import type { TemplateScope } from './renderTemplate';

/** A fan-out record's input is `{ items: [...] }`. */
export function fanoutItems(input: unknown): unknown[] {
  if (typeof input === 'object' && input !== null && 'items' in input && Array.isArray(input.items)) {
    return input.items;
  }
  return [];
}

/**
 * The template scope of a step instance:
 * - `trigger`: the trigger's output; `settings`: the user's User Settings; `user`: `{ id, meta }`;
 * - `steps.<id>.output`: every finished step of the workflow, and inside a fan-out the finished body
 *   steps of the same item (validation allows only steps that certainly ran before this one);
 * - inside a fan-out: `item` (the element) and `index` (its position).
 */
export function stepScope(
  definition: WorkflowDefinition,
  state: ExecutionState,
  stepId: string,
  item: number | undefined,
): TemplateScope {
  const { context } = state;
  const steps: Record<string, { output: unknown }> = {};
  // The workflow's own steps are keyed by their id: look them up rather than walk every record (a
  // fan-out over thousands of items has thousands of records, and every item renders a scope).
  for (const step of definition.steps) {
    const record = state.steps[stepInstanceKey(step.id, undefined)];
    if (record === undefined || record.output === undefined) continue;
    if (record.status === 'succeeded' || record.status === 'failed') {
      steps[record.stepId] = { output: record.output };
    }
  }
  const scope: Record<string, unknown> = {
    trigger: context.trigger,
    settings: context.settings,
    user: context.user,
    steps,
  };
  const fanout = indexWorkflow(definition).steps.get(stepId)?.fanout;
  if (fanout && item !== undefined) {
    for (const bodyStep of fanout.steps) {
      const record = state.steps[stepInstanceKey(bodyStep.id, item)];
      if (record?.output !== undefined && (record.status === 'succeeded' || record.status === 'failed')) {
        steps[bodyStep.id] = { output: record.output };
      }
    }
    scope.item = fanoutItems(state.steps[stepInstanceKey(fanout.id, undefined)]?.input)[item];
    scope.index = item;
  }
  return scope;
}
