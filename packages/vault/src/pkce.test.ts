import { createHash } from 'node:crypto';
import { expect, test } from 'vitest';
import { createPkcePair, pkceChallenge } from './pkce';

test('createPkcePair makes an RFC 7636 S256 pair', () => {
  const { verifier, challenge } = createPkcePair();
  expect(verifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
  expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
  expect(createPkcePair().verifier).not.toBe(verifier);
  // RFC 7636 Appendix B.
  expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
    'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  );
});
