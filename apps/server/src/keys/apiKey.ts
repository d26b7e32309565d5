import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Project API keys look like `sbk_<43 base64url chars>`; only their SHA-256 is stored. */
export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = `sbk_${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashSecret(key), prefix: key.slice(0, 10) };
}

export function generateAdminKey(): string {
  return `sba_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time comparison of two secrets of any length. */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
