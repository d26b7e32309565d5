import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, MonitoringEventKind, WebhookDestinationRow } from './schema';

export async function insertWebhookDestination(
  db: Kysely<Database>,
  input: { projectId: string; url: string; secretSealed: string; kinds: MonitoringEventKind[] | null },
): Promise<WebhookDestinationRow> {
  return db
    .insertInto('webhookDestinations')
    .values({
      id: randomUUID(),
      projectId: input.projectId,
      url: input.url,
      secretSealed: input.secretSealed,
      kinds: input.kinds === null ? null : JSON.stringify(input.kinds),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A project's destinations, oldest first. */
export async function listWebhookDestinations(
  db: Kysely<Database>,
  projectId: string,
): Promise<WebhookDestinationRow[]> {
  return db
    .selectFrom('webhookDestinations')
    .selectAll()
    .where('projectId', '=', projectId)
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
}

export async function findWebhookDestination(
  db: Kysely<Database>,
  projectId: string,
  id: string,
): Promise<WebhookDestinationRow | undefined> {
  return db
    .selectFrom('webhookDestinations')
    .selectAll()
    .where('projectId', '=', projectId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Deletes the destination (and its deliveries); false when the project has no such destination. */
export async function deleteWebhookDestination(
  db: Kysely<Database>,
  projectId: string,
  id: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('webhookDestinations')
    .where('projectId', '=', projectId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
