import { describe, expect, it } from 'vitest';
import {
  defaultRetryPolicy,
  isIdempotentMethod,
  isRetryableStatus,
  planRetry,
  type ResponseHeaders,
  type RetryHeaders,
  serverRequestedDelayMs,
} from './retryPolicy.js';

const now = Date.UTC(2025, 5, 1, 12, 0, 0); // Sun, 01 Jun 2025 12:00:00 GMT
const standard: RetryHeaders = { retryAfterHeader: 'Retry-After' };

describe('isRetryableStatus', () => {
  it.each([429, 500, 502, 503, 504])('retries %i', (status) => {
    expect(isRetryableStatus(status)).toBe(true);
  });
  it.each([200, 301, 400, 401, 403, 404, 408, 409, 422, 501, 505])('does not retry %i', (status) => {
    expect(isRetryableStatus(status)).toBe(false);
  });
});

describe('isIdempotentMethod', () => {
  it.each(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'get', 'Delete'])('%s is idempotent', (method) => {
    expect(isIdempotentMethod(method)).toBe(true);
  });
  it.each(['POST', 'PATCH', 'CONNECT', 'TRACE-ish', ''])('%s is not', (method) => {
    expect(isIdempotentMethod(method)).toBe(false);
  });
});

describe('serverRequestedDelayMs', () => {
  it.each<[string, ResponseHeaders, RetryHeaders | undefined, number | undefined]>([
    ['integer seconds', { 'retry-after': '120' }, standard, 120_000],
    ['zero seconds', { 'retry-after': '0' }, standard, 0],
    ['decimal seconds', { 'retry-after': '1.5' }, standard, 1_500],
    ['decimal rounds up to a whole ms', { 'retry-after': '0.0004' }, standard, 1],
    ['surrounding whitespace', { 'retry-after': '  7 ' }, standard, 7_000],
    ['IMF-fixdate in the future', { 'retry-after': 'Sun, 01 Jun 2025 12:00:30 GMT' }, standard, 30_000],
    ['IMF-fixdate in the past', { 'retry-after': 'Sun, 01 Jun 2025 11:59:00 GMT' }, standard, 0],
    ['RFC 850 date', { 'retry-after': 'Sunday, 01-Jun-25 12:00:05 GMT' }, standard, 5_000],
    ['RFC 850 date of last century', { 'retry-after': 'Sunday, 06-Nov-94 08:49:37 GMT' }, standard, 0],
    ['asctime date (GMT, not local time)', { 'retry-after': 'Sun Jun  1 12:00:09 2025' }, standard, 9_000],
    ['negative seconds', { 'retry-after': '-5' }, standard, undefined],
    ['garbage', { 'retry-after': 'soon' }, standard, undefined],
    ['number with a unit', { 'retry-after': '5s' }, standard, undefined],
    ['exponent', { 'retry-after': '1e3' }, standard, undefined],
    ['a date Date.parse would guess', { 'retry-after': '2025-06-01T12:00:30Z' }, standard, undefined],
    ['a day that does not exist', { 'retry-after': 'Sat, 31 Feb 2025 12:00:30 GMT' }, standard, undefined],
    ['hour 24', { 'retry-after': 'Sun, 01 Jun 2025 24:00:00 GMT' }, standard, undefined],
    ['empty', { 'retry-after': '' }, standard, undefined],
    ['absent', {}, standard, undefined],
    ['no rate-limit declaration uses Retry-After', { 'retry-after': '3' }, undefined, 3_000],
    ['repeated header: the first one', { 'retry-after': ['2', '9'] }, standard, 2_000],
    ['header names are case-insensitive (record)', { 'Retry-After': '4' }, standard, 4_000],
    [
      'custom retry-after header declared in any case',
      { 'x-ratelimit-retry-after': '6', 'retry-after': '99' },
      { retryAfterHeader: 'X-RateLimit-Retry-After' },
      6_000,
    ],
    [
      'reset header in seconds',
      { 'x-ratelimit-reset': '12' },
      { retryAfterHeader: 'Retry-After', resetHeader: { name: 'X-RateLimit-Reset', unit: 'seconds' } },
      12_000,
    ],
    [
      'reset header in epoch seconds',
      { 'x-ratelimit-reset': String(now / 1000 + 8) },
      { retryAfterHeader: 'Retry-After', resetHeader: { name: 'X-RateLimit-Reset', unit: 'epochSeconds' } },
      8_000,
    ],
    [
      'reset header in epoch seconds, already past',
      { 'x-ratelimit-reset': String(now / 1000 - 8) },
      { retryAfterHeader: 'Retry-After', resetHeader: { name: 'X-RateLimit-Reset', unit: 'epochSeconds' } },
      0,
    ],
    [
      'reset header in milliseconds',
      { 'x-rate-limit-reset-ms': '750' },
      {
        retryAfterHeader: 'Retry-After',
        resetHeader: { name: 'X-Rate-Limit-Reset-Ms', unit: 'milliseconds' },
      },
      750,
    ],
    [
      'reset header garbage',
      { 'x-ratelimit-reset': 'tomorrow' },
      { retryAfterHeader: 'Retry-After', resetHeader: { name: 'X-RateLimit-Reset', unit: 'seconds' } },
      undefined,
    ],
    [
      'retry-after wins over the reset header',
      { 'retry-after': '2', 'x-ratelimit-reset': '12' },
      { retryAfterHeader: 'Retry-After', resetHeader: { name: 'X-RateLimit-Reset', unit: 'seconds' } },
      2_000,
    ],
    [
      'garbage retry-after falls back to the reset header',
      { 'retry-after': 'later', 'x-ratelimit-reset': '12' },
      { retryAfterHeader: 'Retry-After', resetHeader: { name: 'X-RateLimit-Reset', unit: 'seconds' } },
      12_000,
    ],
  ])('%s', (_name, headers, rateLimit, expected) => {
    expect(serverRequestedDelayMs(headers, rateLimit, now)).toBe(expected);
  });
});

describe('planRetry', () => {
  const base = {
    method: 'GET',
    optIn: false,
    status: 503,
    headers: {} as ResponseHeaders,
    rateLimit: standard,
    retriesDone: 0,
    waitedMs: 0,
    policy: defaultRetryPolicy,
    nowMs: now,
    random: () => 0.5,
  };
  const plan = (overrides: Partial<typeof base>) => planRetry({ ...base, ...overrides });

  it('has the documented defaults', () => {
    expect(defaultRetryPolicy).toEqual({
      maxRetries: 3,
      baseDelayMs: 250,
      maxDelayMs: 10_000,
      maxTotalWaitMs: 20_000,
    });
  });

  it.each([
    [0, 125],
    [1, 250],
    [2, 500],
  ])('backs off with full jitter (retry %i → %i ms at random 0.5)', (retriesDone, delayMs) => {
    expect(plan({ retriesDone })).toEqual({ retry: true, delayMs });
  });

  it('caps the backoff ceiling at maxDelayMs', () => {
    const policy = { ...defaultRetryPolicy, maxRetries: 10 };
    expect(plan({ policy, retriesDone: 8, random: () => 0.999 })).toEqual({ retry: true, delayMs: 9_990 });
  });

  it('full jitter may retry at once', () => {
    expect(plan({ random: () => 0 })).toEqual({ retry: true, delayMs: 0 });
  });

  it.each([404, 501, 400, 200])('does not retry status %i', (status) => {
    expect(plan({ status })).toEqual({ retry: false, reason: `status ${status} is not retryable` });
  });

  it('retries 429 and every retryable 5xx', () => {
    for (const status of [429, 500, 502, 503, 504]) expect(plan({ status }).retry).toBe(true);
  });

  it('does not retry a non-idempotent method unless the caller opts in', () => {
    expect(plan({ method: 'post' })).toEqual({
      retry: false,
      reason: 'method POST is not idempotent and the caller did not opt in',
    });
    expect(plan({ method: 'PATCH', optIn: true })).toEqual({ retry: true, delayMs: 125 });
  });

  it.each(['GET', 'PUT', 'DELETE', 'HEAD', 'OPTIONS'])('retries idempotent %s without opt-in', (method) => {
    expect(plan({ method }).retry).toBe(true);
  });

  it('stops when the retry budget is used', () => {
    expect(plan({ retriesDone: 2 }).retry).toBe(true);
    expect(plan({ retriesDone: 3 })).toEqual({ retry: false, reason: 'retry budget of 3 used' });
    expect(plan({ policy: { ...defaultRetryPolicy, maxRetries: 0 } })).toEqual({
      retry: false,
      reason: 'retry budget of 0 used',
    });
  });

  it('waits what the server asked, plus up to 10 % jitter, never less', () => {
    const headers = { 'retry-after': '2' };
    expect(plan({ headers, random: () => 0 })).toEqual({ retry: true, delayMs: 2_000 });
    expect(plan({ headers, random: () => 0.5 })).toEqual({ retry: true, delayMs: 2_100 });
    expect(plan({ headers, random: () => 0.9999 })).toEqual({ retry: true, delayMs: 2_199 });
  });

  it('honours a date in the past as "now"', () => {
    const headers = { 'retry-after': 'Sun, 01 Jun 2025 11:00:00 GMT' };
    expect(plan({ headers })).toEqual({ retry: true, delayMs: 0 });
  });

  it('honours the declared reset header', () => {
    const rateLimit: RetryHeaders = {
      retryAfterHeader: 'Retry-After',
      resetHeader: { name: 'X-RateLimit-Reset', unit: 'epochSeconds' },
    };
    const headers = { 'x-ratelimit-reset': String(now / 1000 + 3) };
    expect(plan({ status: 429, headers, rateLimit, random: () => 0 })).toEqual({
      retry: true,
      delayMs: 3_000,
    });
  });

  it('returns the upstream answer when the server asks for more than maxDelayMs', () => {
    expect(plan({ status: 429, headers: { 'retry-after': '60' } })).toEqual({
      retry: false,
      reason: 'upstream asked to wait 60 s, longer than the 10 s bound',
    });
    expect(plan({ headers: { 'retry-after': '10' }, random: () => 0 })).toEqual({
      retry: true,
      delayMs: 10_000,
    });
    expect(plan({ headers: { 'retry-after': '10.001' } }).retry).toBe(false);
  });

  it('jitter on a server-requested wait never passes maxDelayMs', () => {
    expect(plan({ headers: { 'retry-after': '9.5' }, random: () => 0.9 })).toEqual({
      retry: true,
      delayMs: 10_000,
    });
  });

  it('never waits more than maxTotalWaitMs in total', () => {
    expect(plan({ headers: { 'retry-after': '8' }, waitedMs: 15_000 })).toEqual({
      retry: false,
      reason: 'upstream asked to wait 8 s, more than the 5 s left of the 20 s total wait bound',
    });
    // Jitter is trimmed to the budget; the requested wait itself fits exactly.
    expect(plan({ headers: { 'retry-after': '5' }, waitedMs: 15_000, random: () => 0.9 })).toEqual({
      retry: true,
      delayMs: 5_000,
    });
    // Backoff is shortened to what is left.
    const policy = { ...defaultRetryPolicy, maxTotalWaitMs: 1_000 };
    expect(plan({ policy, retriesDone: 2, waitedMs: 900, random: () => 0.999 })).toEqual({
      retry: true,
      delayMs: 100,
    });
    expect(plan({ policy, waitedMs: 1_000 })).toEqual({
      retry: false,
      reason: 'total wait bound of 1 s used',
    });
  });

  it('a whole sequence stays within every bound', () => {
    let waitedMs = 0;
    let retriesDone = 0;
    for (;;) {
      const decision = plan({ retriesDone, waitedMs, random: () => 0.999 });
      if (!decision.retry) {
        expect(decision.reason).toBe('retry budget of 3 used');
        break;
      }
      expect(decision.delayMs).toBeLessThanOrEqual(defaultRetryPolicy.maxDelayMs);
      waitedMs += decision.delayMs;
      retriesDone += 1;
    }
    expect(retriesDone).toBe(3);
    expect(waitedMs).toBeLessThanOrEqual(defaultRetryPolicy.maxTotalWaitMs);
  });
});
