import type { Insertable, Kysely } from 'kysely';
import type {
  Database,
  SandboxAuthorizationCodeRow,
  SandboxAuthorizationCodeTable,
  SandboxAuthorizationRequestRow,
  SandboxAuthorizationRequestTable,
} from './schema';

export async function insertSandboxAuthorizationRequest(
  db: Kysely<Database>,
  request: Insertable<SandboxAuthorizationRequestTable>,
): Promise<void> {
  await db.insertInto('sandboxAuthorizationRequests').values(request).execute();
}

/** A consent request that can still be answered (unused, unexpired). */
export async function findPendingSandboxAuthorizationRequest(
  db: Kysely<Database>,
  requestHash: string,
  now: Date,
): Promise<SandboxAuthorizationRequestRow | undefined> {
  return db
    .selectFrom('sandboxAuthorizationRequests')
    .selectAll()
    .where('requestHash', '=', requestHash)
    .where('usedAt', 'is', null)
    .where('expiresAt', '>', now)
    .executeTakeFirst();
}

/** Answers a consent request at most once: two submissions racing get one winner. */
export async function consumeSandboxAuthorizationRequest(
  db: Kysely<Database>,
  requestHash: string,
  now: Date,
): Promise<SandboxAuthorizationRequestRow | undefined> {
  return db
    .updateTable('sandboxAuthorizationRequests')
    .set({ usedAt: now })
    .where('requestHash', '=', requestHash)
    .where('usedAt', 'is', null)
    .where('expiresAt', '>', now)
    .returningAll()
    .executeTakeFirst();
}

export async function insertSandboxAuthorizationCode(
  db: Kysely<Database>,
  code: Insertable<SandboxAuthorizationCodeTable>,
): Promise<void> {
  await db.insertInto('sandboxAuthorizationCodes').values(code).execute();
}

/** A code by its hash, whatever its condition (to tell unknown, replayed and expired codes apart). */
export async function findSandboxAuthorizationCode(
  db: Kysely<Database>,
  codeHash: string,
): Promise<SandboxAuthorizationCodeRow | undefined> {
  return db
    .selectFrom('sandboxAuthorizationCodes')
    .selectAll()
    .where('codeHash', '=', codeHash)
    .executeTakeFirst();
}

/** Redeems a code at most once; only an unused, unexpired code is returned. */
export async function consumeSandboxAuthorizationCode(
  db: Kysely<Database>,
  codeHash: string,
  now: Date,
): Promise<SandboxAuthorizationCodeRow | undefined> {
  return db
    .updateTable('sandboxAuthorizationCodes')
    .set({ usedAt: now })
    .where('codeHash', '=', codeHash)
    .where('usedAt', 'is', null)
    .where('expiresAt', '>', now)
    .returningAll()
    .executeTakeFirst();
}

/** Forgets consent requests and codes that expired before `before`. */
export async function deleteExpiredSandboxAuthorizations(db: Kysely<Database>, before: Date): Promise<void> {
  await db.deleteFrom('sandboxAuthorizationRequests').where('expiresAt', '<', before).execute();
  await db.deleteFrom('sandboxAuthorizationCodes').where('expiresAt', '<', before).execute();
}
