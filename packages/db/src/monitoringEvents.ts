import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, JsonObject, MonitoringEventKind, MonitoringEventRow } from './schema';
import { fanOutMonitoringEvent } from './webhookDeliveries';

/**
 * Records a monitoring event and, in the same transaction, a pending webhook delivery for each enabled
 * destination of the project that wants its kind (the delivery loop sends them).
 */
export async function insertMonitoringEvent(
  db: Kysely<Database>,
  event: {
    projectId: string;
    kind: MonitoringEventKind;
    connectedUserId?: string | null;
    credentialId?: string | null;
    integrationType?: string | null;
    payload: JsonObject;
  },
): Promise<MonitoringEventRow> {
  const insert = async (trx: Kysely<Database>) => {
    const row = await trx
      .insertInto('monitoringEvents')
      .values({
        id: randomUUID(),
        projectId: event.projectId,
        kind: event.kind,
        connectedUserId: event.connectedUserId ?? null,
        credentialId: event.credentialId ?? null,
        integrationType: event.integrationType ?? null,
        payload: JSON.stringify(event.payload),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await fanOutMonitoringEvent(trx, row);
    return row;
  };
  return db.isTransaction ? insert(db) : db.transaction().execute(insert);
}

/** A project's monitoring events, newest first. */
export async function listMonitoringEvents(
  db: Kysely<Database>,
  projectId: string,
  filter: { kind?: MonitoringEventKind; limit: number },
): Promise<MonitoringEventRow[]> {
  let query = db.selectFrom('monitoringEvents').selectAll().where('projectId', '=', projectId);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  return query.orderBy('createdAt', 'desc').orderBy('id').limit(filter.limit).execute();
}
