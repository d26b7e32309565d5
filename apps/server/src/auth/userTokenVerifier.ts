import { createPublicKey, type KeyObject } from 'node:crypto';
import { AppError, type ErrorCode } from '@switchboard/contracts';
import { type Database, findProject, listActivePublicKeys } from '@switchboard/db';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { Kysely } from 'kysely';

/** Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds. */
export const CLOCK_SKEW_SECONDS = 60;
/** How long a project's public keys are cached; a signature failure re-reads them sooner (rotation). */
const KEY_CACHE_MS = 30_000;
const KEY_RELOAD_MIN_INTERVAL_MS = 1_000;
/** Verified tokens are remembered so each is checked once, never past its exp nor the key cache's life. */
const MAX_VERIFIED_TOKENS = 10_000;

export interface VerifiedUserToken {
  sub: string;
  exp: number;
}

export interface UserTokenVerifier {
  verify(projectId: string, authorization: string | undefined): Promise<VerifiedUserToken>;
  /** Drops the cached keys of a project (after a key is added or deactivated in this process). */
  forget(projectId: string): void;
}

const unauthorized = (code: ErrorCode, message: string) => new AppError(code, 401, message);

/**
 * Verifies User Tokens against the project's active public keys. Only RS256 is accepted: `alg: none`,
 * HS256 signed with the public key as secret, and every other algorithm are refused before any key is
 * tried. Each failure is a 401 whose code and message say which check failed.
 */
export function createUserTokenVerifier(deps: { db: Kysely<Database> }): UserTokenVerifier {
  const cache = new Map<string, { keys: KeyObject[]; loadedAt: number }>();
  // Keyed by project and the whole token (signature included): a hit is the same bytes that verified.
  const verified = new Map<string, { result: VerifiedUserToken; validUntil: number }>();

  function remember(key: string, result: VerifiedUserToken): void {
    const validUntil = Math.min((result.exp + CLOCK_SKEW_SECONDS) * 1000, Date.now() + KEY_CACHE_MS);
    if (verified.size >= MAX_VERIFIED_TOKENS) verified.delete(verified.keys().next().value as string);
    verified.set(key, { result, validUntil });
  }

  async function loadKeys(projectId: string): Promise<KeyObject[]> {
    const rows = await listActivePublicKeys(deps.db, projectId);
    if (rows.length === 0 && !(await findProject(deps.db, projectId))) {
      throw new AppError(
        'PROJECT_NOT_FOUND',
        404,
        `project ${projectId} does not exist; check the projectId.`,
      );
    }
    const keys = rows.map((r) => createPublicKey(r.publicKeyPem));
    cache.set(projectId, { keys, loadedAt: Date.now() });
    return keys;
  }

  async function keysFor(projectId: string): Promise<{ keys: KeyObject[]; fresh: boolean }> {
    const hit = cache.get(projectId);
    if (hit && Date.now() - hit.loadedAt < KEY_CACHE_MS) return { keys: hit.keys, fresh: false };
    return { keys: await loadKeys(projectId), fresh: true };
  }

  async function verifyWith(
    projectId: string,
    keys: KeyObject[],
    token: string,
  ): Promise<VerifiedUserToken | 'bad-signature'> {
    for (const key of keys) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['RS256'],
          clockTolerance: CLOCK_SKEW_SECONDS,
          requiredClaims: ['sub', 'exp'],
        });
        return checkClaims(projectId, payload);
      } catch (error) {
        if (error instanceof joseErrors.JWSSignatureVerificationFailed) continue;
        throw translate(error);
      }
    }
    return 'bad-signature';
  }

  return {
    forget(projectId) {
      cache.delete(projectId);
      for (const key of verified.keys()) if (key.startsWith(`${projectId} `)) verified.delete(key);
    },
    async verify(projectId, authorization) {
      const token = bearerToken(authorization);
      const memoKey = `${projectId} ${token}`;
      const memo = verified.get(memoKey);
      if (memo && Date.now() < memo.validUntil) return memo.result;
      if (memo) verified.delete(memoKey);
      checkHeader(token);
      const { keys, fresh } = await keysFor(projectId);
      let result = await verifyWith(projectId, keys, token);
      const cached = cache.get(projectId);
      if (
        result === 'bad-signature' &&
        !fresh &&
        cached &&
        Date.now() - cached.loadedAt > KEY_RELOAD_MIN_INTERVAL_MS
      ) {
        result = await verifyWith(projectId, await loadKeys(projectId), token);
      }
      if (result === 'bad-signature') {
        throw unauthorized(
          'AUTH_TOKEN_SIGNATURE',
          "User Token signature does not match any of this project's signing keys; sign it with this project's private key.",
        );
      }
      remember(memoKey, result);
      return result;
    },
  };

  function checkClaims(projectId: string, payload: Record<string, unknown>): VerifiedUserToken {
    const { sub, exp, iat, aud } = payload;
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 512) {
      throw unauthorized(
        'AUTH_TOKEN_CLAIMS',
        'User Token "sub" must be a non-empty string (your user\'s id).',
      );
    }
    if (typeof exp !== 'number')
      throw unauthorized('AUTH_TOKEN_CLAIMS', 'User Token "exp" must be a number.');
    if (typeof iat === 'number' && iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS) {
      throw unauthorized('AUTH_TOKEN_CLAIMS', 'User Token "iat" is in the future; check the signing clock.');
    }
    if (aud !== undefined && !audienceMatches(projectId, aud)) {
      throw unauthorized(
        'AUTH_TOKEN_AUDIENCE',
        `User Token "aud" must be this project's id or end with "/<projectId>" (e.g. "useparagon.com/<projectId>").`,
      );
    }
    return { sub, exp };
  }

  // `aud` is optional. When present it must name this project: the bare id or "<host>/<id>" (Paragon's form).
  function audienceMatches(projectId: string, aud: unknown): boolean {
    const values = Array.isArray(aud) ? aud : [aud];
    return values.some((v) => typeof v === 'string' && (v === projectId || v.endsWith(`/${projectId}`)));
  }
}

function bearerToken(authorization: string | undefined): string {
  if (!authorization) {
    throw unauthorized('AUTH_TOKEN_MISSING', 'Send the User Token as "Authorization: Bearer <token>".');
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match?.[1]) {
    throw unauthorized('AUTH_TOKEN_MISSING', 'Authorization header must be "Bearer <User Token>".');
  }
  return match[1];
}

function checkHeader(token: string): void {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw unauthorized(
      'AUTH_TOKEN_MALFORMED',
      'User Token is not a well-formed JWT (header.payload.signature).',
    );
  }
  if (token.split('.').length !== 3) {
    throw unauthorized(
      'AUTH_TOKEN_MALFORMED',
      'User Token is not a well-formed JWT (header.payload.signature).',
    );
  }
  if (alg !== 'RS256') {
    throw unauthorized(
      'AUTH_TOKEN_ALGORITHM',
      `User Token algorithm "${String(alg)}" is not accepted; sign with RS256.`,
    );
  }
}

function translate(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof joseErrors.JWTExpired) {
    return unauthorized('AUTH_TOKEN_EXPIRED', 'User Token has expired; sign a new one (exp is in the past).');
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf')
      return unauthorized('AUTH_TOKEN_CLAIMS', 'User Token is not valid yet ("nbf" is in the future).');
    return unauthorized(
      'AUTH_TOKEN_CLAIMS',
      `User Token claim "${error.claim}" is missing or invalid; "sub" and "exp" are required.`,
    );
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) {
    return unauthorized('AUTH_TOKEN_ALGORITHM', 'User Token algorithm is not accepted; sign with RS256.');
  }
  return unauthorized('AUTH_TOKEN_MALFORMED', 'User Token is not a well-formed JWT.');
}
