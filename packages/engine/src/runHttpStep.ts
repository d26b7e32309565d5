import { AppError } from '@switchboard/contracts';
import type { HttpStepInput } from './renderStepInput';
import type { StepOutcome } from './stepOutcome';

/** The output of request and integration steps. */
export type HttpStepOutput = { status: number; headers: Record<string, string>; body: unknown };

/**
 * Sends a request to the workflow's integration for the execution's user, through the same path as
 * the proxy (fresh credential from the vault, catalog base URL, the proxy's own retries). Bound to the
 * project and user by the worker; an AppError it throws fails the step (retryable when 429 or 5xx).
 */
export type IntegrationRequest = (request: {
  integration: string;
  method: string;
  /** Relative to the integration's API base URL. */
  path: string;
  query: Record<string, string>;
  /** Includes `Idempotency-Key`. */
  headers: Record<string, string>;
  body?: unknown;
}) => Promise<HttpStepOutput>;

export const idempotencyKeyHeader = 'Idempotency-Key';

/** 408, 429 and 5xx may succeed on another attempt; other 4xx will not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from now; undefined when absent or invalid. */
export function retryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}

/** A finished HTTP exchange as a step outcome: 2xx/3xx succeed, anything else fails. */
export function httpOutcome(output: HttpStepOutput, target: string, now: Date): StepOutcome {
  if (output.status < 400) return { ok: true, output };
  const wait = retryAfterMs(output.headers['retry-after'], now);
  return {
    ok: false,
    error: {
      message: `${target} answered HTTP ${output.status}`,
      status: output.status,
      ...(output.body === undefined ? {} : { body: output.body }),
    },
    retryable: isRetryableStatus(output.status),
    ...(wait === undefined ? {} : { retryAfterMs: wait }),
  };
}

/** A thrown error as a step outcome: an AppError is retryable when 429/5xx, anything else is. */
export function thrownOutcome(error: unknown, target: string): StepOutcome {
  if (error instanceof AppError) {
    return {
      ok: false,
      error: { message: error.message, code: error.code, status: error.status },
      retryable: isRetryableStatus(error.status),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, error: { message: `${target} failed: ${message}` }, retryable: true };
}

class ResponseTooLargeError extends Error {}

/** Reads at most `maxBytes` of a body; JSON when the media type says so (or it parses), else text. */
async function readBody(response: Response, maxBytes: number): Promise<unknown> {
  if (!response.body) return undefined;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new ResponseTooLargeError(`the response is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export type SendRequestOptions = {
  fetch: typeof globalThis.fetch;
  idempotencyKey: string;
  timeoutMs: number;
  maxResponseBytes: number;
  now: () => Date;
};

/** A `request` step: plain HTTP(S) to an absolute URL, with the step's idempotency key. */
export async function sendRequestStep(
  input: HttpStepInput,
  options: SendRequestOptions,
): Promise<StepOutcome> {
  const url = URL.parse(input.url);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    return {
      ok: false,
      error: {
        message: `the url "${input.url}" is not an absolute http(s) URL; check the step's url template`,
      },
      retryable: false,
    };
  }
  for (const [name, value] of Object.entries(input.query)) url.searchParams.set(name, value);
  const headers = new Headers(input.headers);
  headers.set(idempotencyKeyHeader, options.idempotencyKey);
  let body: string | undefined;
  if (input.body !== undefined && input.method !== 'GET' && input.method !== 'HEAD') {
    if (typeof input.body === 'string') {
      body = input.body;
    } else {
      body = JSON.stringify(input.body);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
  }
  const target = `${input.method} ${url.origin}${url.pathname}`;
  try {
    const response = await options.fetch(url, {
      method: input.method,
      headers,
      ...(body === undefined ? {} : { body }),
      redirect: 'follow',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const output: HttpStepOutput = {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: await readBody(response, options.maxResponseBytes),
    };
    return httpOutcome(output, target, options.now());
  } catch (error) {
    if (error instanceof ResponseTooLargeError) {
      return { ok: false, error: { message: `${target}: ${error.message}` }, retryable: false };
    }
    // The injected fetch refused the request itself (e.g. the server's private-address guard): its
    // AppError says why, and is retryable only when its status is (a 4xx refusal never is).
    if (error instanceof AppError) return thrownOutcome(error, target);
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return thrownOutcome(
      new Error(timedOut ? `no answer within ${options.timeoutMs} ms` : `${String(error)}${cause}`),
      target,
    );
  }
}
