import type { ExecutionDetail, ExecutionSummary } from '@switchboard/contracts';
import type { Execution } from '@switchboard/db';
import type { ExecutionState } from '@switchboard/engine';

/** Task history's view of an execution row (its state is the engine's ExecutionState). */
export function presentExecutionSummary(execution: Execution, userId: string): ExecutionSummary {
  const state = execution.state as unknown as ExecutionState;
  return {
    id: execution.id,
    projectId: execution.projectId,
    workflowId: execution.workflowId,
    workflowVersionId: execution.workflowVersionId,
    integration: execution.integrationType,
    userId,
    connectedUserId: execution.connectedUserId,
    credentialId: execution.credentialId,
    appEventId: execution.appEventId,
    replayOf: execution.replayOf,
    triggerKind: execution.triggerKind,
    status: execution.status,
    ...(state.error ? { error: state.error } : {}),
    wakeAt: execution.wakeAt?.toISOString() ?? null,
    claims: execution.claims,
    dateCreated: execution.createdAt.toISOString(),
    dateUpdated: execution.updatedAt.toISOString(),
    dateFinished: execution.finishedAt?.toISOString() ?? null,
  };
}

/** One execution with every step record: input, output, error, logs, attempt and timing. */
export function presentExecutionDetail(
  execution: Execution,
  userId: string,
  version: number | undefined,
): ExecutionDetail {
  const state = execution.state as unknown as ExecutionState;
  return {
    ...presentExecutionSummary(execution, userId),
    ...(version !== undefined ? { version } : {}),
    trigger: state.context.trigger,
    ...(state.response ? { response: state.response } : {}),
    steps: Object.entries(state.steps)
      .sort(([, a], [, b]) => inStartOrder(a, b))
      .map(([key, step]) => ({
        key,
        ...step,
        ...(step.finishedAt ? { durationMs: Date.parse(step.finishedAt) - Date.parse(step.startedAt) } : {}),
      })),
  };
}

type StepRecord = ExecutionState['steps'][string];

/**
 * Steps in the order they started (the engine numbers them). The state's own key order cannot be
 * relied on: PostgreSQL's jsonb stores object keys shortest first, so `answer` would come before
 * `createContact`. States saved before steps were numbered fall back to the start time.
 */
function inStartOrder(a: StepRecord, b: StepRecord): number {
  if (a.order !== undefined && b.order !== undefined) return a.order - b.order;
  if (a.startedAt !== b.startedAt) return a.startedAt < b.startedAt ? -1 : 1;
  return (a.item ?? -1) - (b.item ?? -1);
}

/** Keyset cursor of task history pages: the last row's creation time and id. */
export function encodeExecutionCursor(execution: Execution): string {
  return Buffer.from(`${execution.createdAt.toISOString()}|${execution.id}`).toString('base64url');
}

export function decodeExecutionCursor(cursor: string): { createdAt: Date; id: string } | undefined {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = at ? new Date(at) : undefined;
  if (!createdAt || Number.isNaN(createdAt.getTime()) || !id || !/^[0-9a-f-]{36}$/i.test(id))
    return undefined;
  return { createdAt, id };
}
