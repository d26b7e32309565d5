import type { WorkflowDefinition } from '@switchboard/contracts';
import { applyStepResult } from './applyStepResult';
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
 * apply each outcome as it arrives, plan again. The only in-memory state is which actions are in
 * flight, so that they are not started twice; everything else is in the state handed to `onState`.
 */
export async function driveExecution(options: DriveExecutionOptions): Promise<ExecutionState> {
  const { definition, deps } = options;
  const onState = options.onState ?? (() => {});
  const inFlight = new Map<string, Promise<{ action: StepAction; outcome: StepOutcome }>>();
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
      inFlight.set(
        action.key,
        runStep(action.step, action.input, context).then((outcome) => ({ action, outcome })),
      );
    }
    if (inFlight.size === 0) return state;
    const { action, outcome } = await Promise.race(inFlight.values());
    inFlight.delete(action.key);
    state = applyStepResult(
      definition,
      state,
      { key: action.key, attempt: action.attempt, outcome },
      deps.now(),
    );
    await onState(state);
  }
}
