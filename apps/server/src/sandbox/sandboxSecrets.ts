import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Codes, consent request ids and tokens are stored as this hash only: a leaked table grants nothing. */
export function hashSandboxSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A fresh unguessable secret (256 bits); the prefix says what it is when it shows up in a log. */
export function newSandboxSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** RFC 7636 §4.1: 43–128 unreserved characters. An S256 challenge has the same shape (43 chars). */
const pkceValue = /^[A-Za-z0-9._~-]{43,128}$/;

export function isPkceValue(value: string): boolean {
  return pkceValue.test(value);
}

/** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) must equal the stored code_challenge. */
export function pkceVerifierMatches(verifier: string, challenge: string): boolean {
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

/** Constant-time string comparison (client secrets). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
