import { type Kysely, sql } from 'kysely';
import type { ConnectedUserRow, Database, JsonObject } from './schema';

/** Returns the Connected User for `externalId` in the project, creating it on first use. */
export async function upsertConnectedUser(
  db: Kysely<Database>,
  user: { id: string; projectId: string; externalId: string },
): Promise<ConnectedUserRow> {
  const inserted = await db
    .insertInto('connectedUsers')
    .values({ ...user, meta: '{}' })
    .onConflict((oc) => oc.columns(['projectId', 'externalId']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return inserted;
  return db
    .selectFrom('connectedUsers')
    .selectAll()
    .where('projectId', '=', user.projectId)
    .where('externalId', '=', user.externalId)
    .executeTakeFirstOrThrow();
}

export async function findConnectedUser(
  db: Kysely<Database>,
  userId: string,
): Promise<ConnectedUserRow | undefined> {
  return db.selectFrom('connectedUsers').selectAll().where('id', '=', userId).executeTakeFirst();
}

/** Shallow-merges `meta` into the user's metadata in one statement (no lost update under concurrency). */
export async function mergeUserMeta(
  db: Kysely<Database>,
  userId: string,
  meta: JsonObject,
): Promise<JsonObject> {
  const row = await db
    .updateTable('connectedUsers')
    .set({ meta: sql`meta || ${JSON.stringify(meta)}::jsonb`, updatedAt: new Date() })
    .where('id', '=', userId)
    .returning('meta')
    .executeTakeFirstOrThrow();
  return row.meta;
}

/** The Connected User whose User Token `sub` is `externalId` in the project, if it exists. */
export async function findConnectedUserByExternalId(
  db: Kysely<Database>,
  projectId: string,
  externalId: string,
): Promise<ConnectedUserRow | undefined> {
  return db
    .selectFrom('connectedUsers')
    .selectAll()
    .where('projectId', '=', projectId)
    .where('externalId', '=', externalId)
    .executeTakeFirst();
}

/** `externalId` (the User Token `sub`) by Connected User id, for the given ids. */
export async function externalIdsOf(db: Kysely<Database>, userIds: string[]): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('connectedUsers')
    .select(['id', 'externalId'])
    .where('id', 'in', [...new Set(userIds)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.externalId]));
}
