import type { Kysely } from 'kysely';
import { notifyExecutionsQueued } from './executionNotices';
import { executionValues, type NewExecution } from './executions';
import type { Database, JsonObject } from './schema';

export interface RecordedAppEvent {
  eventId: string;
  /** False: an event with the same idempotency key was stored before; nothing new was created. */
  created: boolean;
  /** The executions this event started (the earlier event's, when it was a repeat). */
  executionIds: string[];
}

export interface NewAppEvent {
  id: string;
  projectId: string;
  connectedUserId: string;
  name: string;
  payload: JsonObject;
  idempotencyKey: string | null;
}

/** An App Event with the executions it starts (prepared by the caller). */
export interface AppEventRecord {
  event: NewAppEvent;
  executions: NewExecution[];
}

/**
 * Stores an App Event and the executions it starts in one transaction: once this returns, the event
 * is durable, every execution exists (queued) and listening workers were told. A repeated idempotency
 * key (per project and user) stores nothing and answers the first event's executions.
 */
export async function recordAppEvent(
  db: Kysely<Database>,
  event: NewAppEvent,
  executions: NewExecution[],
): Promise<RecordedAppEvent> {
  const [recorded] = await recordAppEvents(db, [{ event, executions }]);
  return recorded as RecordedAppEvent;
}

/**
 * recordAppEvent for several events in one transaction and a constant number of statements (a
 * multi-row insert of the events, one of their executions, one notice): what group commit needs.
 * Answers in the order given. Two events of the batch with the same idempotency key: the first is
 * stored, the second answers its executions, exactly as if they had come one after the other.
 */
export async function recordAppEvents(
  db: Kysely<Database>,
  records: readonly AppEventRecord[],
): Promise<RecordedAppEvent[]> {
  if (records.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('appEvents')
      .values(records.map(({ event }) => ({ ...event, payload: JSON.stringify(event.payload) })))
      .onConflict((oc) => oc.columns(['projectId', 'connectedUserId', 'idempotencyKey']).doNothing())
      .returning('id')
      .execute();
    const stored = new Set(inserted.map((row) => row.id));
    const executions = records.flatMap(({ event, executions }) =>
      stored.has(event.id) ? executions.map((execution) => executionValues(execution, event.id)) : [],
    );
    if (executions.length > 0) {
      await trx.insertInto('executions').values(executions).execute();
      // Delivered at commit: a worker in another process never looks before the rows are visible.
      await notifyExecutionsQueued(trx);
    }
    const answers: RecordedAppEvent[] = [];
    for (const { event, executions } of records) {
      if (stored.has(event.id)) {
        answers.push({ eventId: event.id, created: true, executionIds: executions.map((e) => e.id) });
        continue;
      }
      // Its idempotency key was used before (or earlier in this batch): the first event's answer.
      const earlier = await trx
        .selectFrom('appEvents')
        .select('id')
        .where('projectId', '=', event.projectId)
        .where('connectedUserId', '=', event.connectedUserId)
        .where('idempotencyKey', '=', event.idempotencyKey)
        .executeTakeFirstOrThrow();
      const rows = await trx
        .selectFrom('executions')
        .select('id')
        .where('appEventId', '=', earlier.id)
        .orderBy('createdAt')
        .execute();
      answers.push({ eventId: earlier.id, created: false, executionIds: rows.map((r) => r.id) });
    }
    return answers;
  });
}

export interface AppEventRecorder {
  /** Resolves once the event and its executions are committed (see recordAppEvent). */
  record(event: NewAppEvent, executions: NewExecution[]): Promise<RecordedAppEvent>;
}

/**
 * Group commit for App Events: an event that arrives while nothing is being written is written at
 * once, alone; events that arrive while a write is under way wait for it and then go together in the
 * next transaction (up to `maxBatch` events). Under load each commit (and its WAL flush) carries many
 * events; when idle nothing waits. Every caller still gets its answer only after its own commit. If a
 * batch fails, its events are written one by one, so one bad event fails only its own request.
 */
export function createAppEventRecorder(
  db: Kysely<Database>,
  options: { maxBatch?: number } = {},
): AppEventRecorder {
  const maxBatch = options.maxBatch ?? 100;
  type Pending = {
    record: AppEventRecord;
    resolve(recorded: RecordedAppEvent): void;
    reject(error: unknown): void;
  };
  const queue: Pending[] = [];
  let writing = false;

  async function writeAlone(pending: Pending): Promise<void> {
    try {
      const [recorded] = await recordAppEvents(db, [pending.record]);
      pending.resolve(recorded as RecordedAppEvent);
    } catch (error) {
      pending.reject(error);
    }
  }

  async function drain(): Promise<void> {
    writing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, maxBatch);
        if (batch.length === 1) {
          await writeAlone(batch[0] as Pending);
          continue;
        }
        try {
          const recorded = await recordAppEvents(
            db,
            batch.map((pending) => pending.record),
          );
          for (const [i, pending] of batch.entries()) pending.resolve(recorded[i] as RecordedAppEvent);
        } catch {
          for (const pending of batch) await writeAlone(pending);
        }
      }
    } finally {
      writing = false;
    }
  }

  return {
    record(event, executions) {
      return new Promise<RecordedAppEvent>((resolve, reject) => {
        queue.push({ record: { event, executions }, resolve, reject });
        if (!writing) void drain();
      });
    },
  };
}
