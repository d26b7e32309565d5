/** The first retry waits about this long; each further retry doubles it (≈10 s, 20 s, 40 s, 80 s, 160 s). */
export const retryBaseDelayMs = 10_000;
/** No retry waits longer than this, whatever the server's Retry-After says. */
export const maxRetryDelayMs = 60 * 60 * 1000;

/** FNV-1a, mapped to [0, 1): a deterministic stand-in for a random number. */
function unitHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 0x1_0000_0000;
}

/**
 * How long to wait after attempt `failedAttempt` (1-based) failed: exponential back-off with ±20 %
 * jitter, and at least the server's own Retry-After hint. The jitter is derived from the idempotency
 * key, not from a random source, so the state machine stays a pure function of its inputs while
 * executions that failed together still spread their retries. `baseDelayMs` is the first wait
 * (default retryBaseDelayMs); only tests shorten it, through StepDeps.retryBaseDelayMs.
 */
export function retryDelayMs(
  failedAttempt: number,
  idempotencyKey: string,
  retryAfterMs?: number,
  baseDelayMs: number = retryBaseDelayMs,
): number {
  const base = baseDelayMs * 2 ** Math.max(0, failedAttempt - 1);
  const jittered = Math.round(base * (0.8 + 0.4 * unitHash(`${idempotencyKey}#${failedAttempt}`)));
  return Math.min(Math.max(jittered, retryAfterMs ?? 0), maxRetryDelayMs);
}
