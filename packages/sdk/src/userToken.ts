/**
 * Client-side reading of a User Token. Like the official client, the SDK never verifies the
 * signature: it only needs `sub` (the user id shown by getUser()) and `exp` (to fail fast on a stale
 * token). The server verifies signature and claims on every request.
 */

export type UserTokenPayload = Record<string, unknown>;

export const malformedTokenMessage = 'A well-formed JWT was not provided to paragon.authenticate()';
export const expiredTokenMessage = 'JWT token provided has expired.';

function base64UrlDecode(segment: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) throw new Error('not base64url');
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** Decodes the payload segment of a compact JWS. Throws {@link malformedTokenMessage} on any failure. */
export function decodeUserTokenPayload(token: string): UserTokenPayload {
  const segments = token.split('.');
  const payloadSegment = segments[1];
  if (segments.length !== 3 || !payloadSegment) throw new Error(malformedTokenMessage);
  let payload: unknown;
  try {
    payload = JSON.parse(base64UrlDecode(payloadSegment));
  } catch {
    throw new Error(malformedTokenMessage);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new Error(malformedTokenMessage);
  }
  return payload as UserTokenPayload;
}

/**
 * The claims the SDK relies on. `exp` (seconds) is required and must lie in the future; the user id is
 * `sub`, or `id` as the official client falls back to.
 */
export function readUserTokenClaims(
  payload: UserTokenPayload,
  nowMs: number,
): { userId: string; exp: number } {
  const { exp } = payload;
  if (typeof exp !== 'number' || !Number.isFinite(exp) || nowMs >= exp * 1000) {
    throw new Error(expiredTokenMessage);
  }
  const subject = payload.sub ?? payload.id;
  if ((typeof subject !== 'string' && typeof subject !== 'number') || subject === '') {
    throw new Error('JWT token provided has no "sub" claim: set it to the id of the user in your app.');
  }
  return { userId: String(subject), exp };
}
