import type { RateLimit } from '@switchboard/catalog';

/**
 * When the proxy retries an upstream answer. Bounds are per proxied call: a server-requested wait
 * longer than `maxDelayMs` is not waited out (the upstream answer goes back to the caller instead),
 * and the sum of all waits never exceeds `maxTotalWaitMs`.
 */
export type RetryPolicy = {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxTotalWaitMs: number;
};

export const defaultRetryPolicy: RetryPolicy = Object.freeze({
  maxRetries: 3,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  maxTotalWaitMs: 20_000,
});

/** The part of a catalog entry's rate-limit declaration that says how long to wait. */
export type RetryHeaders = Pick<RateLimit, 'retryAfterHeader' | 'resetHeader'>;

/** undici's response headers: lower-case keys; a repeated header is an array. */
export type ResponseHeaders = Record<string, string | string[] | undefined>;

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

/** 501 (Not Implemented) is permanent; 429 and the transient 5xx are worth another try. */
const retryableStatuses = new Set([429, 500, 502, 503, 504]);
export function isRetryableStatus(status: number): boolean {
  return retryableStatuses.has(status);
}

/** RFC 9110 §9.2.2: repeating these has the same effect as sending them once. */
const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
export function isIdempotentMethod(method: string): boolean {
  return idempotentMethods.has(method.toUpperCase());
}

function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let value = headers[wanted];
  if (value === undefined) {
    // undici lower-cases names, but a caller may pass a record built elsewhere.
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === wanted);
    value = key === undefined ? undefined : headers[key];
  }
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A non-negative decimal number ("120", "1.5"); anything else (signs, exponents, units) is not. */
function parseNonNegativeNumber(text: string): number | undefined {
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const imfFixdate = /^[A-Z][a-z]{2}, (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const rfc850Date = /^[A-Z][a-z]+, (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const asctimeDate = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * An HTTP-date (RFC 9110 §5.6.7) in ms since the epoch. Recipients must accept the preferred
 * IMF-fixdate and the obsolete RFC 850 and asctime forms, all in GMT. Parsed by hand because
 * `Date.parse` accepts almost anything ("1", "soon 5") and reads asctime as local time.
 */
function parseHttpDate(text: string, nowMs: number): number | undefined {
  const parts = httpDateParts(text, nowMs);
  if (!parts) return undefined;
  const { day, month, year, hour, minute, second } = parts;
  if (month < 0 || hour > 23 || minute > 59 || second > 60) return undefined;
  // A leap second (:60) is read as :59.
  const ms = Date.UTC(year, month, day, hour, minute, Math.min(second, 59));
  // Date.UTC rolls "31 Feb" over into March: a date that does not exist is garbage.
  return new Date(ms).getUTCDate() === day ? ms : undefined;
}

type DateParts = { day: number; month: number; year: number; hour: number; minute: number; second: number };

function httpDateParts(text: string, nowMs: number): DateParts | undefined {
  const parts = (day = '', month = '', year: number, hour = '', minute = '', second = ''): DateParts => ({
    day: Number(day),
    month: months.indexOf(month),
    year,
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
  });
  const imf = imfFixdate.exec(text);
  if (imf) return parts(imf[1], imf[2], Number(imf[3]), imf[4], imf[5], imf[6]);
  const rfc850 = rfc850Date.exec(text);
  if (rfc850) {
    // §5.6.7: a two-digit year more than 50 years in the future means the most recent past such year.
    const thisYear = new Date(nowMs).getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + Number(rfc850[3]);
    if (year > thisYear + 50) year -= 100;
    return parts(rfc850[1], rfc850[2], year, rfc850[4], rfc850[5], rfc850[6]);
  }
  const asctime = asctimeDate.exec(text);
  if (asctime)
    return parts(asctime[2]?.trim(), asctime[1], Number(asctime[6]), asctime[3], asctime[4], asctime[5]);
  return undefined;
}

/**
 * How long the upstream asked us to wait, in ms, or undefined when it did not say (or said garbage).
 * The entry's retry-after header (RFC 9110 §10.2.3: delay-seconds, here also decimal, or an
 * HTTP-date; a date in the past means 0) wins over its declared reset header, read by unit:
 * `seconds` = seconds from now, `epochSeconds` = Unix time, `milliseconds` = ms from now.
 */
export function serverRequestedDelayMs(
  headers: ResponseHeaders,
  rateLimit: RetryHeaders | undefined,
  nowMs: number,
): number | undefined {
  const retryAfter = headerValue(headers, rateLimit?.retryAfterHeader ?? 'Retry-After');
  if (retryAfter !== undefined) {
    const seconds = parseNonNegativeNumber(retryAfter);
    if (seconds !== undefined) return Math.ceil(seconds * 1000);
    const at = parseHttpDate(retryAfter, nowMs);
    if (at !== undefined) return Math.max(0, at - nowMs);
  }
  const reset = rateLimit?.resetHeader;
  if (!reset) return undefined;
  const text = headerValue(headers, reset.name);
  const value = text === undefined ? undefined : parseNonNegativeNumber(text);
  if (value === undefined) return undefined;
  switch (reset.unit) {
    case 'seconds':
      return Math.ceil(value * 1000);
    case 'milliseconds':
      return Math.ceil(value);
    case 'epochSeconds':
      return Math.max(0, Math.ceil(value * 1000 - nowMs));
  }
}

const inSeconds = (ms: number): string => `${Number((ms / 1000).toFixed(1))} s`;

/**
 * Whether to send the request again after the upstream answered `status`, and after how long.
 * Order of refusals: status not retryable, method not idempotent (unless `optIn`), retry budget used,
 * server-requested wait beyond `maxDelayMs`, total wait budget. Backoff is "full jitter"
 * (`random() * min(maxDelayMs, baseDelayMs * 2^retriesDone)`); a server-requested wait is honoured
 * with up to 10 % jitter on top, never less than asked. `random` (in [0, 1)) and `nowMs` are injected.
 */
export function planRetry(input: {
  method: string;
  optIn: boolean;
  status: number;
  headers: ResponseHeaders;
  rateLimit: RetryHeaders | undefined;
  retriesDone: number;
  waitedMs: number;
  policy: RetryPolicy;
  nowMs: number;
  random: () => number;
}): RetryDecision {
  const { method, status, policy, retriesDone, waitedMs, random } = input;
  if (!isRetryableStatus(status)) return { retry: false, reason: `status ${status} is not retryable` };
  if (!input.optIn && !isIdempotentMethod(method))
    return {
      retry: false,
      reason: `method ${method.toUpperCase()} is not idempotent and the caller did not opt in`,
    };
  if (retriesDone >= policy.maxRetries)
    return { retry: false, reason: `retry budget of ${policy.maxRetries} used` };

  const remainingMs = policy.maxTotalWaitMs - waitedMs;
  const requested = serverRequestedDelayMs(input.headers, input.rateLimit, input.nowMs);
  if (requested !== undefined) {
    if (requested > policy.maxDelayMs)
      return {
        retry: false,
        reason: `upstream asked to wait ${inSeconds(requested)}, longer than the ${inSeconds(policy.maxDelayMs)} bound`,
      };
    if (requested > remainingMs)
      return {
        retry: false,
        reason: `upstream asked to wait ${inSeconds(requested)}, more than the ${inSeconds(Math.max(0, remainingMs))} left of the ${inSeconds(policy.maxTotalWaitMs)} total wait bound`,
      };
    // Jitter spreads callers that were all told the same instant; it only ever adds.
    const jittered = requested + Math.floor(random() * 0.1 * requested);
    return { retry: true, delayMs: Math.max(requested, Math.min(jittered, policy.maxDelayMs, remainingMs)) };
  }

  if (remainingMs <= 0)
    return { retry: false, reason: `total wait bound of ${inSeconds(policy.maxTotalWaitMs)} used` };
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retriesDone);
  return { retry: true, delayMs: Math.min(Math.floor(random() * ceiling), remainingMs) };
}
