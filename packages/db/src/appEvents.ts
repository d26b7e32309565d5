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

/**
 * Stores an App Event and the executions it starts in one transaction: once this returns, the event
 * is durable and every execution exists (queued) and listening workers were told. A repeated idempotency key (per project and user)
 * stores nothing and answers the first event's executions.
 */
export async function recordAppEvent(
  db: Kysely<Database>,
  event: {
    id: string;
    projectId: string;
    connectedUserId: string;
    name: string;
    payload: JsonObject;
    idempotencyKey: string | null;
  },
  executions: NewExecution[],
): Promise<RecordedAppEvent> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('appEvents')
      .values({ ...event, payload: JSON.stringify(event.payload) })
      .onConflict((oc) => oc.columns(['projectId', 'connectedUserId', 'idempotencyKey']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
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
      return { eventId: earlier.id, created: false, executionIds: rows.map((r) => r.id) };
    }
    if (executions.length > 0) {
      await trx
        .insertInto('executions')
        .values(executions.map((e) => executionValues(e, event.id)))
        .execute();
      // Delivered at commit: a worker in another process never looks before the rows are visible.
      await notifyExecutionsQueued(trx);
    }
    return { eventId: event.id, created: true, executionIds: executions.map((e) => e.id) };
  });
}
