import { AppError } from '@switchboard/contracts';
import { type Database, listActivePublicKeys } from '@switchboard/db';
import type { Kysely } from 'kysely';
import { publicKeyOfPrivateKey } from '../keys/signingKeyPair';
import { signUserToken } from '../keys/signUserToken';
import { getProject } from './projectAdmin';

/**
 * Signs a User Token with a private key the caller holds, after checking that the key matches one of
 * the project's active signing keys — so a token that would be refused is never handed out.
 */
export async function createUserToken(
  db: Kysely<Database>,
  projectId: string,
  input: { userId: string; signingKey: string; ttl: number; audience?: string | undefined },
): Promise<{ token: string; expiresAt: string }> {
  await getProject(db, projectId);
  const publicKey = publicKeyOfPrivateKey(input.signingKey);
  const active = await listActivePublicKeys(db, projectId);
  if (!active.some((k) => k.publicKeyPem.trim() === publicKey.trim())) {
    throw new AppError(
      'SIGNING_KEY_INVALID',
      400,
      `this private key does not match any active signing key of project ${projectId}.`,
    );
  }
  const { token, expiresAt } = await signUserToken({
    privateKeyPem: input.signingKey,
    userId: input.userId,
    ttlSeconds: input.ttl,
    audience: input.audience,
  });
  return { token, expiresAt: expiresAt.toISOString() };
}
