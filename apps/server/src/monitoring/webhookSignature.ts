import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The `X-Switchboard-Signature` header, Stripe-style: `t=<unix seconds>,v1=<hex HMAC-SHA256>` where
 * the HMAC is keyed with the destination's secret over `"<t>.<raw body>"`. The timestamp is signed
 * so a receiver can refuse replays older than a few minutes.
 */
export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

/** Checks a signature header against the raw body (what a receiver does; used by tests). */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string,
  options: { nowSeconds: number; toleranceSeconds: number },
): boolean {
  const parts = new Map(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(options.nowSeconds - t) > options.toleranceSeconds) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  const given = Buffer.from(v1);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
