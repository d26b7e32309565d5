import type { FanoutStep, WorkflowDefinition } from '@switchboard/contracts';
import {
  type ExecutionState,
  idempotencyKeyOf,
  type JsonValue,
  type RecordedStepError,
  type StepRecord,
  stepInstanceKey,
} from './executionState';
import { indexWorkflow, listEntry } from './indexWorkflow';
import { renderStepInput } from './renderStepInput';
import type { AnyStep } from './stepGraph';
import type { StepError } from './stepOutcome';
import { fanoutItems, stepScope } from './stepScope';
import { toJsonValue } from './toJsonValue';

/** Most items a fan-out accepts (each item's steps are persisted with the execution). */
export const maxFanoutItems = 10_000;
/** Items a fan-out runs at once when its definition says nothing. */
export const defaultFanoutConcurrency = 5;

/** One attempt of one step instance to run now with runStep(), then report with applyStepResult(). */
export type StepAction = {
  /** The instance's key in `ExecutionState.steps`. */
  key: string;
  stepId: string;
  /** The fan-out item index, for steps inside a fan-out. */
  item?: number;
  attempt: number;
  idempotencyKey: string;
  /** The rendered input: pass it to runStep(). */
  input: unknown;
  step: AnyStep;
};

export type Plan = {
  /** The advanced state: persist it before running the actions. */
  state: ExecutionState;
  /**
   * Every attempt that should be under way now: new ones, and ones that were already `running` (after a
   * crash nothing runs them any more, so they are handed out again with the same attempt and key). A
   * driver that still has an action in flight skips it by key.
   */
  actions: StepAction[];
};

type LaneResult =
  | { kind: 'done'; lastKey: string | undefined }
  | { kind: 'failed'; stepId: string; item: number | undefined; message: string }
  | { kind: 'blocked' };

type Sinks = { actions: StepAction[]; wakes: string[] };

function isTerminal(state: ExecutionState): boolean {
  return state.status === 'succeeded' || state.status === 'failed';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Advances an execution as far as it can go without running anything: starts the steps whose turn it
 * is (rendering their inputs), ends delays and back-offs that are over, expands fan-outs, follows
 * conditionals, and sets the execution's status. Pure: the same definition, state and `now` give the
 * same plan, and calling it again before any result is applied changes nothing (it returns `current`
 * itself when nothing changed, so a driver can skip saving).
 *
 * Copy-on-write: the state and its step map are copied shallowly and a record only when it changes,
 * never the whole state (a fan-out over thousands of items would make every plan copy all of them).
 *
 * The workflow's steps form one path (a "lane") from the entry; each fan-out item is a lane through the
 * fan-out's steps. A lane's position is not stored: it is found by walking from the entry through the
 * finished steps, so the step records are the single source of truth.
 */
export function planNext(definition: WorkflowDefinition, current: ExecutionState, now: Date): Plan {
  if (isTerminal(current)) return { state: current, actions: [] };
  const state: ExecutionState = { ...current };
  const index = indexWorkflow(definition);
  const nowIso = now.toISOString();
  let stepsCopied = false;
  const owned = new Set<string>();
  /** The record at `key`, copied into this plan's state on first use: mutate only what this returns. */
  const own = (key: string): StepRecord => {
    if (!stepsCopied) {
      state.steps = { ...current.steps };
      stepsCopied = true;
    }
    const existing = state.steps[key] as StepRecord;
    if (owned.has(key)) return existing;
    owned.add(key);
    const copy: StepRecord = { ...existing, ...(existing.fanout ? { fanout: { ...existing.fanout } } : {}) };
    state.steps[key] = copy;
    return copy;
  };

  const stepOf = (id: string): AnyStep => {
    const found = index.steps.get(id);
    // Definitions are validated before they run; a missing step is a programming error.
    if (!found) throw new Error(`step "${id}" is not in the workflow definition`);
    return found.step;
  };

  const fail = (step: AnyStep, record: StepRecord, error: StepError) => {
    record.status = 'failed';
    record.error = toJsonValue(error) as RecordedStepError;
    record.finishedAt = nowIso;
    if ('continueOnFailure' in step && step.continueOnFailure) record.output = toJsonValue({ error });
  };

  const start = (step: AnyStep, item: number | undefined): StepRecord => {
    const record: StepRecord = {
      stepId: step.id,
      ...(item === undefined ? {} : { item }),
      status: 'running',
      attempt: 1,
      idempotencyKey: idempotencyKeyOf(state.executionId, step.id, item),
      startedAt: nowIso,
      // Task history lists steps by this: a stored state's key order is not the start order.
      order: state.started ?? Object.keys(current.steps).length,
    };
    state.started = (record.order ?? 0) + 1;
    if (!stepsCopied) {
      state.steps = { ...current.steps };
      stepsCopied = true;
    }
    const key = stepInstanceKey(step.id, item);
    state.steps[key] = record;
    owned.add(key);
    let input: unknown;
    try {
      input = toJsonValue(renderStepInput(step, stepScope(definition, state, step.id, item)));
    } catch (error) {
      fail(step, record, { message: `could not render the step's input: ${message(error)}` });
      return record;
    }
    if (input !== undefined) record.input = input as JsonValue;
    if (step.type === 'fanout') {
      const items = (input as { items: unknown }).items;
      if (!Array.isArray(items)) {
        fail(step, record, {
          message: `items rendered to ${items === null ? 'nothing' : typeof items}, not an array: point it at a list, e.g. "{{steps.list.output.body.results}}"`,
        });
      } else if (items.length > maxFanoutItems) {
        fail(step, record, {
          message: `items has ${items.length} elements; a fan-out takes at most ${maxFanoutItems}: split the list`,
        });
      } else {
        record.fanout = { started: 0 };
      }
    }
    return record;
  };

  const actionOf = (step: AnyStep, key: string, record: StepRecord): StepAction => ({
    key,
    stepId: step.id,
    ...(record.item === undefined ? {} : { item: record.item }),
    attempt: record.attempt,
    idempotencyKey: record.idempotencyKey,
    input: record.input,
    step,
  });

  const successor = (step: AnyStep, record: StepRecord): string | undefined => {
    if (step.type !== 'conditional') return step.next;
    const output = record.output as { result?: unknown } | undefined;
    return output?.result === true ? step.onTrue : step.onFalse;
  };

  const walkLane = (entry: string, item: number | undefined, sinks: Sinks): LaneResult => {
    let id: string | undefined = entry;
    let lastKey: string | undefined;
    while (id !== undefined) {
      const step = stepOf(id);
      const key = stepInstanceKey(id, item);
      let record = state.steps[key] ?? start(step, item);
      if (record.status === 'retrying' && record.notBefore !== undefined && record.notBefore <= nowIso) {
        record = own(key);
        record.status = 'running';
        record.attempt += 1;
        delete record.notBefore;
      }
      if (record.status === 'waiting' && record.wakeAt !== undefined && record.wakeAt <= nowIso) {
        record = own(key);
        record.status = 'succeeded';
        record.finishedAt = nowIso;
      }
      if (record.status === 'running' && step.type === 'fanout') {
        advanceFanout(step, key, sinks);
        record = state.steps[key] as StepRecord;
      }
      switch (record.status) {
        case 'running':
          if (step.type !== 'fanout') sinks.actions.push(actionOf(step, key, record));
          return { kind: 'blocked' };
        case 'retrying':
          sinks.wakes.push(record.notBefore ?? nowIso);
          return { kind: 'blocked' };
        case 'waiting':
          sinks.wakes.push(record.wakeAt ?? nowIso);
          return { kind: 'blocked' };
        case 'succeeded':
          lastKey = key;
          id = successor(step, record);
          break;
        case 'failed':
        case 'cancelled':
          if (record.status === 'failed' && 'continueOnFailure' in step && step.continueOnFailure) {
            lastKey = key;
            id = step.next;
            break;
          }
          return {
            kind: 'failed',
            stepId: step.id,
            item,
            message: record.error?.message ?? 'the step failed',
          };
      }
    }
    return { kind: 'done', lastKey };
  };

  /**
   * Runs a fan-out's items: items start in order, at most `concurrency` lanes unfinished at a time.
   * The fan-out succeeds when every item's lane is done (output: each lane's last output, by index);
   * it fails at the first item that fails, cancelling the items still under way.
   */
  const advanceFanout = (step: FanoutStep, key: string, sinks: Sinks) => {
    const before = state.steps[key] as StepRecord;
    const items = fanoutItems(before.input);
    const startedBefore = before.fanout?.started ?? 0;
    const progress = { started: startedBefore };
    const concurrency = step.concurrency ?? defaultFanoutConcurrency;
    const entry = listEntry(step.steps, step.entry);
    const local: Sinks = { actions: [], wakes: [] };
    const results: unknown[] = [];
    let unfinished = 0;
    let failure: Extract<LaneResult, { kind: 'failed' }> | undefined;
    const visit = (item: number) => {
      const lane = walkLane(entry, item, local);
      if (lane.kind === 'done') {
        results[item] = lane.lastKey === undefined ? null : (state.steps[lane.lastKey]?.output ?? null);
      } else if (lane.kind === 'failed') {
        failure ??= lane;
      } else {
        unfinished += 1;
      }
    };
    for (let item = 0; item < progress.started && failure === undefined; item += 1) visit(item);
    while (failure === undefined && unfinished < concurrency && progress.started < items.length) {
      progress.started += 1;
      visit(progress.started - 1);
    }
    if (progress.started !== startedBefore || before.fanout === undefined) own(key).fanout = progress;
    if (failure !== undefined) {
      for (const [otherKey, other] of Object.entries(state.steps)) {
        const inThisFanout =
          other.item !== undefined && step.steps.some((inner) => inner.id === other.stepId);
        if (
          inThisFanout &&
          (other.status === 'running' || other.status === 'retrying' || other.status === 'waiting')
        ) {
          const cancelled = own(otherKey);
          cancelled.status = 'cancelled';
          cancelled.finishedAt = nowIso;
        }
      }
      fail(step, own(key), {
        message: `item ${failure.item} failed at step "${failure.stepId}": ${failure.message}`,
      });
      return;
    }
    sinks.actions.push(...local.actions);
    sinks.wakes.push(...local.wakes);
    if (unfinished === 0 && progress.started === items.length) {
      const record = own(key);
      record.status = 'succeeded';
      record.output = toJsonValue(results);
      record.finishedAt = nowIso;
    }
  };

  const sinks: Sinks = { actions: [], wakes: [] };
  const main = walkLane(index.entry, undefined, sinks);
  delete state.wakeAt;
  if (main.kind === 'done') {
    state.status = 'succeeded';
    state.finishedAt = nowIso;
  } else if (main.kind === 'failed') {
    state.status = 'failed';
    state.error = {
      stepId: main.stepId,
      ...(main.item === undefined ? {} : { item: main.item }),
      message: main.message,
    };
    state.finishedAt = nowIso;
  } else {
    state.status = sinks.actions.length > 0 ? 'running' : 'waiting';
    const earliest = sinks.wakes.sort()[0];
    if (earliest !== undefined) state.wakeAt = earliest;
  }
  const changed =
    stepsCopied ||
    state.status !== current.status ||
    state.wakeAt !== current.wakeAt ||
    state.finishedAt !== current.finishedAt;
  return { state: changed ? state : current, actions: sinks.actions };
}
