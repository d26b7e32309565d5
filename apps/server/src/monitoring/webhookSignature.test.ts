import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { retryDelayMs } from './webhookDelivery';
import { signWebhook, verifyWebhookSignature } from './webhookSignature';

describe('webhook signature', () => {
  test('t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">; a changed body, secret or old timestamp fails', () => {
    const body = '{"id":"e1"}';
    const header = signWebhook('whsec_x', body, 1_700_000_000);
    const mac = createHmac('sha256', 'whsec_x').update(`1700000000.${body}`).digest('hex');
    expect(header).toBe(`t=1700000000,v1=${mac}`);
    const at = { nowSeconds: 1_700_000_010, toleranceSeconds: 300 };
    expect(verifyWebhookSignature('whsec_x', body, header, at)).toBe(true);
    expect(verifyWebhookSignature('whsec_x', `${body} `, header, at)).toBe(false);
    expect(verifyWebhookSignature('whsec_y', body, header, at)).toBe(false);
    expect(verifyWebhookSignature('whsec_x', body, header, { ...at, nowSeconds: 1_700_001_000 })).toBe(false);
  });
});

describe('retry delay', () => {
  const policy = { baseDelayMs: 1_000, maxDelayMs: 60_000 };
  test('exponential with jitter between half and the full ceiling, capped', () => {
    expect(retryDelayMs(1, undefined, policy, () => 0)).toBe(500);
    expect(retryDelayMs(3, undefined, policy, () => 0.999)).toBeLessThanOrEqual(4_000);
    expect(retryDelayMs(3, undefined, policy, () => 0)).toBe(2_000);
    expect(retryDelayMs(20, undefined, policy, () => 1)).toBe(60_000);
  });
  test("the receiver's Retry-After is honoured, never sooner", () => {
    expect(retryDelayMs(1, 1_000, policy, () => 0)).toBe(1_000);
    expect(retryDelayMs(1, 1_000, policy, () => 1)).toBe(1_100);
  });
});
