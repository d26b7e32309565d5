import type { Insertable, Kysely } from 'kysely';
import type { Database, OAuthSessionRow, OAuthSessionTable } from './schema';

export async function insertOAuthSession(
  db: Kysely<Database>,
  session: Insertable<OAuthSessionTable>,
): Promise<void> {
  await db.insertInto('oauthSessions').values(session).execute();
}

/**
 * Consumes the session a `state` belongs to, at most once: only an unused, unexpired session is
 * returned, and it is marked used in the same statement (two callbacks racing get one winner).
 */
export async function consumeOAuthSession(
  db: Kysely<Database>,
  stateHash: string,
  now: Date,
): Promise<OAuthSessionRow | undefined> {
  return db
    .updateTable('oauthSessions')
    .set({ usedAt: now })
    .where('stateHash', '=', stateHash)
    .where('usedAt', 'is', null)
    .where('expiresAt', '>', now)
    .returningAll()
    .executeTakeFirst();
}

/** A session by its state, whatever its condition (to explain a refused callback). */
export async function findOAuthSessionByState(
  db: Kysely<Database>,
  stateHash: string,
): Promise<OAuthSessionRow | undefined> {
  return db.selectFrom('oauthSessions').selectAll().where('stateHash', '=', stateHash).executeTakeFirst();
}

/** The newest session of this user with the client-chosen id (what the SDK polls). */
export async function findOAuthSessionByMetaKey(
  db: Kysely<Database>,
  connectedUserId: string,
  oauthMetaKeyId: string,
): Promise<OAuthSessionRow | undefined> {
  return db
    .selectFrom('oauthSessions')
    .selectAll()
    .where('connectedUserId', '=', connectedUserId)
    .where('oauthMetaKeyId', '=', oauthMetaKeyId)
    .orderBy('createdAt', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function finishOAuthSession(
  db: Kysely<Database>,
  sessionId: string,
  outcome: { credentialId: string } | { errorCode: string; errorMessage: string },
): Promise<void> {
  await db
    .updateTable('oauthSessions')
    .set(
      'credentialId' in outcome
        ? { credentialId: outcome.credentialId, codeVerifierSealed: null }
        : { errorCode: outcome.errorCode, errorMessage: outcome.errorMessage, codeVerifierSealed: null },
    )
    .where('id', '=', sessionId)
    .execute();
}

export async function deleteOAuthSessions(
  db: Kysely<Database>,
  connectedUserId: string,
  oauthMetaKeyId: string,
): Promise<void> {
  await db
    .deleteFrom('oauthSessions')
    .where('connectedUserId', '=', connectedUserId)
    .where('oauthMetaKeyId', '=', oauthMetaKeyId)
    .execute();
}
