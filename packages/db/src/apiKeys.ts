import type { Kysely } from 'kysely';
import type { Database } from './schema';

export async function insertApiKey(
  db: Kysely<Database>,
  key: { id: string; projectId: string; keyHash: string; keyPrefix: string },
): Promise<void> {
  await db.insertInto('apiKeys').values(key).execute();
}

/** The project an unrevoked API key (given by its SHA-256 hash) belongs to. */
export async function findProjectIdByApiKeyHash(
  db: Kysely<Database>,
  keyHash: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('apiKeys')
    .select('projectId')
    .where('keyHash', '=', keyHash)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  return row?.projectId;
}
