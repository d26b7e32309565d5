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
   * Persist the state here. Called, and awaited, whenever step results were recorded: with the state
   * that holds those results and the steps planned after them, before those steps start. If it throws,
   * driving stops; the persisted state resumes. Steps that were only started are not saved on their
   * own: a resumed run starts them again identically (same input, attempt and idempotency key), so a
   * step is at most repeated with its key, never lost. The state driveExecution returns (finished, or
   * waiting) may not have been passed here: the caller persists it.
   */
  onState?: (state: ExecutionState) => Promise<void> | void;
};

/**
 * Runs an execution until it has finished or has nothing to run before `state.wakeAt` (a delay or a
 * retry back-off; status `waiting`): plan, run the actions concurrently (fan-outs bound how many),
 * record the outcomes, plan again, and persist once per round — the outcomes that arrived together
 * (or while the previous state was being persisted) with the steps planned after them. So a step's
 * result is always persisted before anything planned after it starts, a sequential workflow pays one
 * save per step, and a fan-out over many items one save per batch, not per item. The only in-memory
 * state is which actions are in flight, so that they are not started twice; everything else is in the
 * persisted state.
 */
export async function driveExecution(options: DriveExecutionOptions): Promise<ExecutionState> {
  const { definition, deps } = options;
  const onState = options.onState ?? (() => {});
  const inFlight = new Set<string>();
  type Finished = { action: StepAction; outcome: StepOutcome } | { action: StepAction; thrown: unknown };
  const finished: Finished[] = [];
  let arrived: (() => void) | undefined;
  let state = options.state;
  /** Results recorded since the last save. */
  let unsaved = false;
  for (;;) {
    const plan = planNext(definition, state, deps.now());
    state = plan.state;
    if (state.status === 'succeeded' || state.status === 'failed') return state;
    const starting = plan.actions.filter((action) => !inFlight.has(action.key));
    if (inFlight.size === 0 && starting.length === 0) return state;
    if (unsaved) {
      await onState(state);
      unsaved = false;
    }
    for (const action of starting) {
      const context = { ...deps, idempotencyKey: action.idempotencyKey, integration: definition.integration };
      inFlight.add(action.key);
      runStep(action.step, action.input, context)
        .then(
          (outcome) => finished.push({ action, outcome }),
          (thrown: unknown) => finished.push({ action, thrown }),
        )
        .finally(() => arrived?.());
    }
    if (finished.length === 0) await new Promise<void>((resolve) => (arrived = resolve));
    arrived = undefined;
    // Other steps still under way: let the event loop deliver answers that have already arrived
    // before recording (an embedded database's save runs on this thread, so answers pile up unread
    // meanwhile), so they are recorded and saved together rather than one save each.
    if (inFlight.size > finished.length) await new Promise<void>((resolve) => setImmediate(resolve));
    const batch = finished.splice(0);
    const reports: StepReport[] = [];
    for (const entry of batch) {
      inFlight.delete(entry.action.key);
      if ('thrown' in entry) throw entry.thrown;
      reports.push({ key: entry.action.key, attempt: entry.action.attempt, outcome: entry.outcome });
    }
    const next = applyStepResults(definition, state, reports, deps.now(), deps.retryBaseDelayMs);
    if (next !== state) {
      state = next;
      unsaved = true;
    }
  }
}
