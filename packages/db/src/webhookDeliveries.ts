import { type Kysely, sql } from 'kysely';
import type { Database, JsonObject, MonitoringEventKind, WebhookDeliveryRow } from './schema';

/*
 * The webhook outbox. Fan-out happens in the statement pair that records a monitoring event
 * (insertMonitoringEvent): one pending delivery per enabled destination of the project that wants the
 * event's kind. Delivery processes claim due rows with a lease (one conditional UPDATE, so two
 * processes never send the same attempt), and finish each attempt only while they still hold it.
 */

/** Creates the pending deliveries of one event (called with the event insert, in its transaction). */
export async function fanOutMonitoringEvent(
  db: Kysely<Database>,
  event: { id: string; projectId: string; kind: MonitoringEventKind },
): Promise<void> {
  await sql`
    insert into webhook_deliveries (id, destination_id, event_id)
    select gen_random_uuid(), d.id, ${event.id}::uuid
    from webhook_destinations d
    where d.project_id = ${event.projectId}::uuid
      and d.enabled
      and (d.kinds is null or d.kinds @> ${JSON.stringify([event.kind])}::jsonb)
    on conflict do nothing`.execute(db);
}

/** A claimed delivery with what sending it needs. */
export interface ClaimedWebhookDelivery {
  id: string;
  attempts: number;
  url: string;
  secretSealed: string;
  event: {
    id: string;
    projectId: string;
    kind: MonitoringEventKind;
    payload: JsonObject;
    connectedUserId: string | null;
    credentialId: string | null;
    integrationType: string | null;
    createdAt: Date;
  };
}

/** Claims up to `limit` due pending deliveries for `owner`, leased for `leaseMs`. */
export async function claimWebhookDeliveries(
  db: Kysely<Database>,
  owner: string,
  leaseMs: number,
  limit: number,
): Promise<ClaimedWebhookDelivery[]> {
  const claimed = await db
    .updateTable('webhookDeliveries')
    .set({ leaseOwner: owner, leaseUntil: sql<Date>`now() + ${`${leaseMs} milliseconds`}::interval` })
    .where(
      'id',
      'in',
      db
        .selectFrom('webhookDeliveries')
        .select('id')
        .where('status', '=', 'pending')
        .where('nextAttemptAt', '<=', sql<Date>`now()`)
        .where((eb) => eb.or([eb('leaseUntil', 'is', null), eb('leaseUntil', '<', sql<Date>`now()`)]))
        .orderBy('nextAttemptAt')
        .limit(limit),
    )
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('leaseUntil', 'is', null), eb('leaseUntil', '<', sql<Date>`now()`)]))
    .returning('id')
    .execute();
  if (claimed.length === 0) return [];
  const rows = await db
    .selectFrom('webhookDeliveries as w')
    .innerJoin('webhookDestinations as d', 'd.id', 'w.destinationId')
    .innerJoin('monitoringEvents as e', 'e.id', 'w.eventId')
    .select([
      'w.id',
      'w.attempts',
      'd.url',
      'd.secretSealed',
      'e.id as eventId',
      'e.projectId',
      'e.kind',
      'e.payload',
      'e.connectedUserId',
      'e.credentialId',
      'e.integrationType',
      'e.createdAt',
    ])
    .where(
      'w.id',
      'in',
      claimed.map((c) => c.id),
    )
    .where('w.leaseOwner', '=', owner)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    attempts: row.attempts,
    url: row.url,
    secretSealed: row.secretSealed,
    event: {
      id: row.eventId,
      projectId: row.projectId,
      kind: row.kind,
      payload: row.payload,
      connectedUserId: row.connectedUserId,
      credentialId: row.credentialId,
      integrationType: row.integrationType,
      createdAt: row.createdAt,
    },
  }));
}

/**
 * Records one attempt and releases the lease, only while `owner` holds it: `delivered`, `failed`
 * (for good) or `retry` at `nextAttemptAt`. False when the lease was lost.
 */
export async function finishWebhookAttempt(
  db: Kysely<Database>,
  input: {
    id: string;
    owner: string;
    outcome: 'delivered' | 'failed' | 'retry';
    lastStatus: number | null;
    lastError: string | null;
    nextAttemptAt?: Date;
  },
): Promise<boolean> {
  const result = await db
    .updateTable('webhookDeliveries')
    .set({
      status: input.outcome === 'retry' ? 'pending' : input.outcome,
      attempts: sql`attempts + 1`,
      lastStatus: input.lastStatus,
      lastError: input.lastError,
      leaseOwner: null,
      leaseUntil: null,
      ...(input.outcome === 'delivered' ? { deliveredAt: new Date() } : {}),
      ...(input.nextAttemptAt ? { nextAttemptAt: input.nextAttemptAt } : {}),
    })
    .where('id', '=', input.id)
    .where('leaseOwner', '=', input.owner)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** A destination's deliveries, newest first. */
export async function listWebhookDeliveries(
  db: Kysely<Database>,
  destinationId: string,
  limit: number,
): Promise<Array<WebhookDeliveryRow & { kind: MonitoringEventKind }>> {
  return db
    .selectFrom('webhookDeliveries as w')
    .innerJoin('monitoringEvents as e', 'e.id', 'w.eventId')
    .selectAll('w')
    .select('e.kind')
    .where('w.destinationId', '=', destinationId)
    .orderBy('w.createdAt', 'desc')
    .orderBy('w.id')
    .limit(limit)
    .execute();
}
