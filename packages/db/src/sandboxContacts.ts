import type { Kysely } from 'kysely';
import type { Database, SandboxContactRow } from './schema';

/** An account's contacts, oldest first. */
export async function listSandboxContacts(
  db: Kysely<Database>,
  accountId: string,
): Promise<SandboxContactRow[]> {
  return db
    .selectFrom('sandboxContacts')
    .selectAll()
    .where('accountId', '=', accountId)
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
}

export async function insertSandboxContact(
  db: Kysely<Database>,
  contact: { id: string; accountId: string; name: string; email: string; createdAt: Date },
): Promise<SandboxContactRow> {
  return db.insertInto('sandboxContacts').values(contact).returningAll().executeTakeFirstOrThrow();
}

export async function findSandboxContact(
  db: Kysely<Database>,
  accountId: string,
  contactId: string,
): Promise<SandboxContactRow | undefined> {
  return db
    .selectFrom('sandboxContacts')
    .selectAll()
    .where('accountId', '=', accountId)
    .where('id', '=', contactId)
    .executeTakeFirst();
}

/** Changes the given fields; undefined when the account has no such contact. */
export async function updateSandboxContact(
  db: Kysely<Database>,
  accountId: string,
  contactId: string,
  changes: { name?: string; email?: string },
): Promise<SandboxContactRow | undefined> {
  if (changes.name === undefined && changes.email === undefined) {
    return findSandboxContact(db, accountId, contactId);
  }
  return db
    .updateTable('sandboxContacts')
    .set(changes)
    .where('accountId', '=', accountId)
    .where('id', '=', contactId)
    .returningAll()
    .executeTakeFirst();
}

/** Whether the account had such a contact. */
export async function deleteSandboxContact(
  db: Kysely<Database>,
  accountId: string,
  contactId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('sandboxContacts')
    .where('accountId', '=', accountId)
    .where('id', '=', contactId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
