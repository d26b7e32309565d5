import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, JsonObject, MonitoringEventKind, MonitoringEventRow } from './schema';

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
  return db
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
