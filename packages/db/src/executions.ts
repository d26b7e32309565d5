import { type Kysely, sql } from 'kysely';
import { notifyExecutionsQueued } from './executionNotices';
import type { Database, ExecutionRow, ExecutionRowStatus, ExecutionTriggerKind, JsonObject } from './schema';

/*
 * Executions are the queue: a worker claims runnable ones with a lease (one UPDATE over a
 * `FOR UPDATE SKIP LOCKED` sub-select, so concurrent workers never claim the same row), saves the
 * state only while it still holds the lease (compare-and-set on lease_owner), and releases it when the
 * execution finishes or waits. A worker that dies lets its lease lapse; another one resumes from the
 * last saved state. Queuing an execution or letting go of a lease notifies listening workers
 * (executionNotices.ts).
 */

/** An execution row; `state` is the engine's ExecutionState. */
export type Execution = ExecutionRow;

export interface NewExecution {
  id: string;
  projectId: string;
  workflowId: string;
  workflowVersionId: string;
  integrationType: string;
  connectedUserId: string;
  credentialId: string | null;
  triggerKind: ExecutionTriggerKind;
  state: JsonObject;
}

export function executionValues(execution: NewExecution, appEventId: string | null = null) {
  return {
    ...execution,
    appEventId,
    status: 'queued' as const,
    // Millisecond precision (not now()'s microseconds): task history's keyset cursor is a JS Date.
    createdAt: new Date(),
    state: JSON.stringify(execution.state),
  };
}

/** Queues one execution. Pass a transaction to queue it with other writes (workers are told on commit). */
export async function insertExecution(db: Kysely<Database>, execution: NewExecution): Promise<void> {
  await db.insertInto('executions').values(executionValues(execution)).execute();
  await notifyExecutionsQueued(db);
}

/**
 * Claims up to `limit` runnable executions for `owner`: queued ones, waiting ones whose wake-up time
 * has come, and running ones whose lease lapsed (their worker died). Oldest wake-up first.
 */
export async function claimExecutions(
  db: Kysely<Database>,
  owner: string,
  leaseMs: number,
  limit: number,
): Promise<Execution[]> {
  const claimed = await db
    .updateTable('executions')
    .set({
      leaseOwner: owner,
      leaseUntil: sql<Date>`now() + ${`${leaseMs} milliseconds`}::interval`,
      status: 'running',
      claims: sql`claims + 1`,
      updatedAt: sql`now()`,
    })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('executions')
        .select('id')
        .where('status', 'in', ['queued', 'running', 'waiting'])
        .where((w) => w.or([w('wakeAt', 'is', null), w('wakeAt', '<=', sql<Date>`now()`)]))
        .where((w) => w.or([w('leaseUntil', 'is', null), w('leaseUntil', '<', sql<Date>`now()`)]))
        .orderBy(sql`coalesce(wake_at, created_at)`)
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
  return withStepRecords(db, claimed);
}

/*
 * Step records live in execution_steps (migration 0009), one row per step instance, so a save writes
 * only what changed. Readers get the whole ExecutionState back: the state column (older executions
 * may still hold their steps there) merged with the rows.
 */

/** `executions` with their step records merged into `state.steps`. */
export async function withStepRecords(db: Kysely<Database>, executions: Execution[]): Promise<Execution[]> {
  if (executions.length === 0) return executions;
  const rows = await db
    .selectFrom('executionSteps')
    .select(['executionId', 'key', 'record'])
    .where(
      'executionId',
      'in',
      executions.map((e) => e.id),
    )
    .execute();
  const byExecution = new Map<string, Record<string, JsonObject>>();
  for (const row of rows) {
    let steps = byExecution.get(row.executionId);
    if (!steps) {
      steps = {};
      byExecution.set(row.executionId, steps);
    }
    steps[row.key] = row.record;
  }
  return executions.map((execution) => {
    const steps = byExecution.get(execution.id);
    if (!steps) return execution;
    const stored = (execution.state.steps ?? {}) as Record<string, JsonObject>;
    return { ...execution, state: { ...execution.state, steps: { ...stored, ...steps } } };
  });
}

/** Extends the lease while `owner` holds it; false when it was lost. */
export async function renewExecutionLease(
  db: Kysely<Database>,
  id: string,
  owner: string,
  leaseMs: number,
): Promise<boolean> {
  const result = await db
    .updateTable('executions')
    .set({ leaseUntil: sql<Date>`now() + ${`${leaseMs} milliseconds`}::interval` })
    .where('id', '=', id)
    .where('leaseOwner', '=', owner)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Saves an execution's state, only while `owner` holds its lease (false: another worker took it over,
 * nothing written). `release` lets go of the lease (the execution finished or waits for `wakeAt`, or
 * its worker is stopping: then it is still `running` and other workers are told); otherwise the lease
 * is extended. Step records go to execution_steps: `changedSteps` (the records that changed since the
 * last save), or every record in `state.steps` when it is not given. One statement: the records are
 * written only if the lease check let the state through.
 */
export async function saveExecutionState(
  db: Kysely<Database>,
  input: {
    id: string;
    owner: string;
    leaseMs: number;
    state: JsonObject;
    /** The step records that changed since the last save, by key (default: all of `state.steps`). */
    changedSteps?: Record<string, JsonObject>;
    status: ExecutionRowStatus;
    wakeAt: Date | null;
    finishedAt: Date | null;
    release: boolean;
  },
): Promise<boolean> {
  const { steps, ...rest } = input.state as JsonObject & { steps?: Record<string, JsonObject> };
  const changed = input.changedSteps ?? steps ?? {};
  const lease = input.release
    ? sql`lease_owner = null, lease_until = null`
    : sql`lease_until = now() + ${`${input.leaseMs} milliseconds`}::interval`;
  const result = await sql<{ saved: number }>`
    with saved as (
      update executions
      set state = ${JSON.stringify({ ...rest, steps: {} })}::jsonb, status = ${input.status},
          wake_at = ${input.wakeAt}, finished_at = ${input.finishedAt}, updated_at = now(), ${lease}
      where id = ${input.id} and lease_owner = ${input.owner}
      returning id
    ), written as (
      insert into execution_steps (execution_id, key, record)
      select ${input.id}::uuid, changed.key, changed.value
      from jsonb_each(${JSON.stringify(changed)}::jsonb) as changed
      where exists (select 1 from saved)
      on conflict (execution_id, key) do update set record = excluded.record
    )
    select count(*)::int as saved from saved`.execute(db);
  const saved = Number(result.rows[0]?.saved ?? 0) > 0;
  // Let go while still runnable (a stopping worker): another worker may take it at once.
  if (saved && input.release && input.status === 'running') await notifyExecutionsQueued(db);
  return saved;
}

/** Lets go of a lease without writing the state (the worker is stopping); other workers are told. */
export async function releaseExecutionLease(db: Kysely<Database>, id: string, owner: string): Promise<void> {
  const result = await db
    .updateTable('executions')
    .set({ leaseOwner: null, leaseUntil: null })
    .where('id', '=', id)
    .where('leaseOwner', '=', owner)
    .executeTakeFirst();
  if (result.numUpdatedRows > 0n) await notifyExecutionsQueued(db);
}

/**
 * Lets go of every lease at once; returns how many. Only for the embedded database at start-up: its
 * data directory belongs to one process, so any lease found then was held by a process that died
 * (kill -9, power loss), and its executions can resume now instead of when the lease lapses.
 */
export async function releaseAllExecutionLeases(db: Kysely<Database>): Promise<number> {
  const result = await db
    .updateTable('executions')
    .set({ leaseOwner: null, leaseUntil: null })
    .where('leaseOwner', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** One execution with its whole state, step records included (task history's detail). */
export async function findExecution(
  db: Kysely<Database>,
  projectId: string,
  id: string,
): Promise<Execution | undefined> {
  const row = await findExecutionRow(db, projectId, id);
  if (!row) return undefined;
  return (await withStepRecords(db, [row]))[0];
}

/**
 * One execution's row without its step records: status, context, response and error, for callers
 * that need no step (a waiting Request trigger looks every 250 ms; a replay copies the context).
 */
export async function findExecutionRow(
  db: Kysely<Database>,
  projectId: string,
  id: string,
): Promise<Execution | undefined> {
  return db
    .selectFrom('executions')
    .selectAll('executions')
    .where('projectId', '=', projectId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export interface ExecutionFilter {
  connectedUserId?: string;
  workflowId?: string;
  integrationType?: string;
  status?: ExecutionRowStatus;
  /** created_at ≥ from */
  from?: Date;
  /** created_at < to */
  to?: Date;
  /** Keyset cursor: the last row of the previous page. */
  after?: { createdAt: Date; id: string };
  limit: number;
}

/** A project's executions, newest first (ties by id), filtered; keyset paging with `after`. */
export async function listExecutions(
  db: Kysely<Database>,
  projectId: string,
  filter: ExecutionFilter,
): Promise<Execution[]> {
  let query = db.selectFrom('executions').selectAll('executions').where('projectId', '=', projectId);
  if (filter.connectedUserId) query = query.where('connectedUserId', '=', filter.connectedUserId);
  if (filter.workflowId) query = query.where('workflowId', '=', filter.workflowId);
  if (filter.integrationType) query = query.where('integrationType', '=', filter.integrationType);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.from) query = query.where('createdAt', '>=', filter.from);
  if (filter.to) query = query.where('createdAt', '<', filter.to);
  const after = filter.after;
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('createdAt', '<', after.createdAt),
        eb.and([eb('createdAt', '=', after.createdAt), eb('id', '<', after.id)]),
      ]),
    );
  }
  return query.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}
