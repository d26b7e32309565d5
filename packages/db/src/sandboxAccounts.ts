import type { Kysely } from 'kysely';
import type { Database, SandboxAccountRow } from './schema';

/**
 * The sandbox account with this workspace slug, created on first use. A later consent with the same
 * slug returns the same account (its display name follows the latest spelling).
 */
export async function upsertSandboxAccount(
  db: Kysely<Database>,
  account: { id: string; name: string; email: string; workspace: string },
): Promise<SandboxAccountRow> {
  return db
    .insertInto('sandboxAccounts')
    .values(account)
    .onConflict((oc) => oc.column('workspace').doUpdateSet((eb) => ({ name: eb.ref('excluded.name') })))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findSandboxAccount(
  db: Kysely<Database>,
  accountId: string,
): Promise<SandboxAccountRow | undefined> {
  return db.selectFrom('sandboxAccounts').selectAll().where('id', '=', accountId).executeTakeFirst();
}
