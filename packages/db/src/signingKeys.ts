import type { Kysely } from 'kysely';
import type { Database, SigningKeyRow } from './schema';

export async function insertSigningKey(
  db: Kysely<Database>,
  key: { id: string; projectId: string; publicKeyPem: string },
): Promise<SigningKeyRow> {
  return db.insertInto('signingKeys').values(key).returningAll().executeTakeFirstOrThrow();
}

export async function listSigningKeys(db: Kysely<Database>, projectId: string): Promise<SigningKeyRow[]> {
  return db
    .selectFrom('signingKeys')
    .selectAll()
    .where('projectId', '=', projectId)
    .orderBy('createdAt')
    .execute();
}

export async function listActivePublicKeys(
  db: Kysely<Database>,
  projectId: string,
): Promise<SigningKeyRow[]> {
  return db
    .selectFrom('signingKeys')
    .selectAll()
    .where('projectId', '=', projectId)
    .where('isActive', '=', true)
    .orderBy('createdAt', 'desc')
    .execute();
}

/** Deactivates a key; returns false when the project has no such key. */
export async function deactivateSigningKey(
  db: Kysely<Database>,
  projectId: string,
  keyId: string,
): Promise<boolean> {
  const result = await db
    .updateTable('signingKeys')
    .set({ isActive: false })
    .where('projectId', '=', projectId)
    .where('id', '=', keyId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
