import type { FanoutStep, WorkflowDefinition } from '@switchboard/contracts';
import type { AnyStep } from './stepGraph';

export type IndexedStep = {
  step: AnyStep;
  /** The fan-out whose `steps` hold this step; undefined for the workflow's own steps. */
  fanout: FanoutStep | undefined;
  /** Where the step sits in the definition, for error paths: `['steps', 2, 'steps', 0]`. */
  at: (string | number)[];
};

export type WorkflowIndex = {
  steps: ReadonlyMap<string, IndexedStep>;
  /** The workflow's first step. */
  entry: string;
};

const cache = new WeakMap<WorkflowDefinition, WorkflowIndex>();

/** The first step of a list: `entry` when given, else the first in the list. */
export function listEntry(steps: readonly AnyStep[], entry: string | undefined): string {
  return entry ?? steps[0]?.id ?? '';
}

/**
 * Every step by id (ids are unique across the whole definition, fan-out bodies included; validated).
 * Cached per definition object: definitions are treated as immutable once validated.
 */
export function indexWorkflow(definition: WorkflowDefinition): WorkflowIndex {
  const cached = cache.get(definition);
  if (cached) return cached;
  const steps = new Map<string, IndexedStep>();
  definition.steps.forEach((step, position) => {
    if (!steps.has(step.id)) steps.set(step.id, { step, fanout: undefined, at: ['steps', position] });
    if (step.type === 'fanout') {
      step.steps.forEach((inner, innerPosition) => {
        if (!steps.has(inner.id)) {
          steps.set(inner.id, { step: inner, fanout: step, at: ['steps', position, 'steps', innerPosition] });
        }
      });
    }
  });
  const index = { steps, entry: listEntry(definition.steps, definition.entry) };
  cache.set(definition, index);
  return index;
}
