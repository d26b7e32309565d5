import type { WorkflowDefinition } from '@switchboard/contracts';
import { applyStepResults, type StepReport } from './applyStepResult';
import type { ExecutionState } from './executionState';
import { planNext, type StepAction } from './planNext';
import { runStep, type StepDeps } from './runStep';
import type { StepOutcome } from './stepOutcome';

export type DriveExecutionOptions = {
  definition: WorkflowDefinition;
  state: ExecutionState;
  deps: StepDeps;
  /**
   * Called with every new state (after each plan and each step result), awaited before anything
   * depends on it: persist the state here. If it throws, driving stops; the persisted state resumes.
   */
  onState?: (state: ExecutionState) => Promise<void> | void;
};

/**
 * Runs an execution until it has finished or has nothing to run before `state.wakeAt` (a delay or a
 * retry back-off; status `waiting`): plan, run the actions concurrently (fan-outs bound how many),
 * record the outcomes, plan again. Outcomes that arrive together (or while the previous state was
 * being persisted) are recorded together and persisted once: a step's result is always persisted
 * before anything planned after it starts, and a fan-out over many items does not pay one save per
 * item. The only in-memory state is which actions are in flight, so that they are not started twice;
 * everything else is in the state handed to `onState`.
 */
export async function driveExecution(options: DriveExecutionOptions): Promise<ExecutionState> {
  const { definition, deps } = options;
  const onState = options.onState ?? (() => {});
  const inFlight = new Set<string>();
  type Finished = { action: StepAction; outcome: StepOutcome } | { action: StepAction; thrown: unknown };
  const finished: Finished[] = [];
  let arrived: (() => void) | undefined;
  let state = options.state;
  for (;;) {
    const plan = planNext(definition, state, deps.now());
    if (plan.state !== state) {
      state = plan.state;
      await onState(state);
    }
    if (state.status === 'succeeded' || state.status === 'failed') return state;
    for (const action of plan.actions) {
      if (inFlight.has(action.key)) continue;
      const context = { ...deps, idempotencyKey: action.idempotencyKey, integration: definition.integration };
      inFlight.add(action.key);
      runStep(action.step, action.input, context)
        .then(
          (outcome) => finished.push({ action, outcome }),
          (thrown: unknown) => finished.push({ action, thrown }),
        )
        .finally(() => arrived?.());
    }
    if (inFlight.size === 0) return state;
    if (finished.length === 0) await new Promise<void>((resolve) => (arrived = resolve));
    arrived = undefined;
    const batch = finished.splice(0);
    const reports: StepReport[] = [];
    for (const entry of batch) {
      inFlight.delete(entry.action.key);
      if ('thrown' in entry) throw entry.thrown;
      reports.push({ key: entry.action.key, attempt: entry.action.attempt, outcome: entry.outcome });
    }
    const next = applyStepResults(definition, state, reports, deps.now());
    if (next !== state) {
      state = next;
      await onState(state);
    }
  }
}
