import { createHash, randomBytes } from 'node:crypto';

export type PkcePair = { readonly verifier: string; readonly challenge: string };

/**
 * RFC 7636 S256 pair. 48 random bytes give a 64-character base64url verifier: inside the 43–128
 * characters allowed, and base64url only uses unreserved characters.
 */
export function createPkcePair(): PkcePair {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier) };
}

/** `BASE64URL(SHA256(ASCII(verifier)))`. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
