import type { WorkflowDefinition } from '@switchboard/contracts';
import type { ExecutionState, JsonValue, RecordedStepError, StepRecord } from './executionState';
import { indexWorkflow } from './indexWorkflow';
import { retryDelayMs } from './retryDelay';
import type { AnyStep } from './stepGraph';
import type { StepOutcome } from './stepOutcome';
import { toJsonValue } from './toJsonValue';

/** The outcome of one attempt (StepAction `key` and `attempt`), as runStep() returned it. */
export type StepReport = { key: string; attempt: number; outcome: StepOutcome };

/**
 * Records one attempt's outcome in a copy of the state. Pure; persist the result, then call planNext().
 * - success: the output is recorded (a delay's output starts its wait; the first Response step's
 *   output becomes the execution's response);
 * - retryable failure with retries left (`attempt <= retries`): `retrying` after an exponential
 *   back-off (retryDelayMs), honouring Retry-After;
 * - otherwise `failed`; with `continueOnFailure` the error is also the step's output (`{ error }`), and
 *   planNext() goes on with `next`; without, planNext() fails the execution.
 * A report for an instance that is not running that attempt (a duplicate, or a late answer after a
 * fan-out was cancelled) changes nothing, so reports can be applied at least once, safely.
 */
export function applyStepResult(
  definition: WorkflowDefinition,
  current: ExecutionState,
  report: StepReport,
  now: Date,
  /** The first retry's back-off (default retryBaseDelayMs, about 10 s); tests shorten it. */
  retryBaseDelayMs?: number,
): ExecutionState {
  return applyStepResults(definition, current, [report], now, retryBaseDelayMs);
}

/**
 * applyStepResult for several reports at once, in order, with one copy of the state: a driver whose
 * attempts finished together (a fan-out's items) records them all, then persists once. Returns
 * `current` itself when no report applied.
 */
export function applyStepResults(
  definition: WorkflowDefinition,
  current: ExecutionState,
  reports: readonly StepReport[],
  now: Date,
  /** The first retry's back-off (default retryBaseDelayMs, about 10 s); tests shorten it. */
  retryBaseDelayMs?: number,
): ExecutionState {
  if (current.status === 'succeeded' || current.status === 'failed') return current;
  const nowIso = now.toISOString();
  let state: ExecutionState | undefined;
  for (const report of reports) {
    const found = (state ?? current).steps[report.key];
    if (found?.status !== 'running' || found.attempt !== report.attempt) continue;
    const step = indexWorkflow(definition).steps.get(found.stepId)?.step;
    if (!step || step.type === 'fanout') continue;
    // Copy-on-write: the state and its step map shallowly (once), the record itself; outputs and
    // errors are replaced, never mutated, so sharing the rest with `current` is safe.
    state ??= { ...current, steps: { ...current.steps } };
    const record: StepRecord = { ...found };
    state.steps[report.key] = record;
    applyOutcome(step, state, record, report.outcome, now, nowIso, retryBaseDelayMs);
  }
  return state ?? current;
}

function applyOutcome(
  step: AnyStep,
  state: ExecutionState,
  record: StepRecord,
  outcome: StepOutcome,
  now: Date,
  nowIso: string,
  retryBaseDelayMs: number | undefined,
): void {
  if (outcome.logs !== undefined) record.logs = outcome.logs;
  else delete record.logs;

  let output: JsonValue | undefined;
  let failure: Extract<StepOutcome, { ok: false }> | undefined = outcome.ok ? undefined : outcome;
  if (outcome.ok) {
    try {
      output = toJsonValue(outcome.output);
    } catch (error) {
      failure = {
        ok: false,
        error: {
          message: `the step's output is not JSON: ${error instanceof Error ? error.message : String(error)}`,
        },
        retryable: false,
      };
    }
  }

  if (failure === undefined) {
    delete record.error;
    if (output !== undefined) record.output = output;
    if (step.type === 'delay') {
      record.status = 'waiting';
      record.wakeAt = (output as { until: string }).until;
    } else {
      record.status = 'succeeded';
      record.finishedAt = nowIso;
    }
    if (step.type === 'response' && state.response === undefined) {
      state.response = output as NonNullable<ExecutionState['response']>;
    }
    return;
  }

  const error = (toJsonValue(failure.error) ?? { message: 'the step failed' }) as RecordedStepError;
  record.error = error;
  const retries = 'retries' in step ? (step.retries ?? 0) : 0;
  if (failure.retryable && record.attempt <= retries) {
    record.status = 'retrying';
    const delay = retryDelayMs(record.attempt, record.idempotencyKey, failure.retryAfterMs, retryBaseDelayMs);
    record.notBefore = new Date(now.getTime() + delay).toISOString();
    return;
  }
  record.status = 'failed';
  record.finishedAt = nowIso;
  if ('continueOnFailure' in step && step.continueOnFailure) record.output = toJsonValue({ error });
}
