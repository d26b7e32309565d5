import { createHmac, timingSafeEqual } from 'node:crypto';

export const OAUTH_NONCE_COOKIE = 'sb_oauth_nonce';
const LIFETIME_SECONDS = 15 * 60;

/**
 * The anti-CSRF half of the OAuth flow. The popup's first page (served to the browser that starts
 * the flow) sets this cookie; the callback accepts a code only in a browser carrying a cookie for the
 * same user and integration, so a victim cannot be made to finish an attacker's flow or vice versa.
 * Stateless: `<userId>.<integrationId>.<exp>.<hmac>`, HMAC-SHA256 under an instance secret.
 */
export function createOAuthNonceCookie(secret: string) {
  const mac = (payload: string) =>
    createHmac('sha256', secret).update(`switchboard oauth nonce\n${payload}`).digest('base64url');
  return {
    issue(userId: string, integrationId: string, now = Date.now()): string {
      const payload = `${userId}.${integrationId}.${Math.floor(now / 1000) + LIFETIME_SECONDS}`;
      return `${payload}.${mac(payload)}`;
    },
    verify(value: string | undefined, userId: string, integrationId: string, now = Date.now()): boolean {
      if (!value) return false;
      const parts = value.split('.');
      if (parts.length !== 4) return false;
      const [user, integration, exp, signature] = parts as [string, string, string, string];
      const expected = Buffer.from(mac(`${user}.${integration}.${exp}`));
      const given = Buffer.from(signature);
      return (
        expected.length === given.length &&
        timingSafeEqual(expected, given) &&
        user === userId &&
        integration === integrationId &&
        Number(exp) * 1000 > now
      );
    },
    cookieHeader(value: string, secure: boolean): string {
      return `${OAUTH_NONCE_COOKIE}=${value}; Path=/oauth/callback; Max-Age=${LIFETIME_SECONDS}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
    },
  };
}
export type OAuthNonceCookie = ReturnType<typeof createOAuthNonceCookie>;

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
