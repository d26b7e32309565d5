import type { Kysely } from 'kysely';
import type { Database, NewSandboxToken, SandboxAccountRow, SandboxTokenRow } from './schema';

export async function insertSandboxTokens(db: Kysely<Database>, tokens: NewSandboxToken[]): Promise<void> {
  await db.insertInto('sandboxTokens').values(tokens).execute();
}

/** A token by its hash, whatever its condition (revoked, rotated, expired). */
export async function findSandboxToken(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<SandboxTokenRow | undefined> {
  return db.selectFrom('sandboxTokens').selectAll().where('tokenHash', '=', tokenHash).executeTakeFirst();
}

/** The account and scope behind a live access token (unrevoked, unexpired). */
export async function findSandboxBearer(
  db: Kysely<Database>,
  tokenHash: string,
  now: Date,
): Promise<{ account: SandboxAccountRow; scope: string } | undefined> {
  const row = await db
    .selectFrom('sandboxTokens as t')
    .innerJoin('sandboxAccounts as a', 'a.id', 't.accountId')
    .select(['t.scope', 'a.id', 'a.name', 'a.email', 'a.workspace', 'a.createdAt'])
    .where('t.tokenHash', '=', tokenHash)
    .where('t.kind', '=', 'access')
    .where('t.revokedAt', 'is', null)
    .where('t.expiresAt', '>', now)
    .executeTakeFirst();
  if (!row) return undefined;
  const { scope, ...account } = row;
  return { account, scope };
}

/**
 * Rotation: issues `replacement` (a new refresh token plus its access token) and retires the old
 * refresh token in one transaction. Returns false, issuing nothing, when the old token was already
 * retired (a concurrent refresh won).
 */
export async function rotateSandboxRefreshToken(
  db: Kysely<Database>,
  input: { oldTokenId: string; newRefreshTokenId: string; replacement: NewSandboxToken[]; now: Date },
): Promise<boolean> {
  const lost = new Error('refresh token already rotated');
  try {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('sandboxTokens').values(input.replacement).execute();
      const retired = await trx
        .updateTable('sandboxTokens')
        .set({ revokedAt: input.now, replacedBy: input.newRefreshTokenId })
        .where('id', '=', input.oldTokenId)
        .where('revokedAt', 'is', null)
        .executeTakeFirst();
      if (retired.numUpdatedRows === 0n) throw lost;
    });
    return true;
  } catch (error) {
    if (error === lost) return false;
    throw error;
  }
}

export async function revokeSandboxToken(db: Kysely<Database>, tokenId: string, now: Date): Promise<void> {
  await db
    .updateTable('sandboxTokens')
    .set({ revokedAt: now })
    .where('id', '=', tokenId)
    .where('revokedAt', 'is', null)
    .execute();
}

/** Ends a whole grant: every access and refresh token issued from one authorization. */
export async function revokeSandboxGrant(db: Kysely<Database>, grantId: string, now: Date): Promise<void> {
  await db
    .updateTable('sandboxTokens')
    .set({ revokedAt: now })
    .where('grantId', '=', grantId)
    .where('revokedAt', 'is', null)
    .execute();
}
