import { AppError } from '@switchboard/contracts';

/** The `fetch` the vault calls providers with (global fetch in production, anything compatible in tests). */
export type Fetch = typeof globalThis.fetch;

export const defaultProviderTimeoutMs = 10_000;
/** Token and identity responses are small; a provider sending more is misbehaving. */
const maxResponseBytes = 1024 * 1024;

export type ProviderResponse = {
  status: number;
  /** Lower-cased media type without parameters, '' when absent. */
  mediaType: string;
  /** Parsed JSON (or x-www-form-urlencoded) body; undefined when the body is neither. */
  body: unknown;
  headers: Headers;
};

export type ProviderRequest = {
  fetch: Fetch;
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: URLSearchParams;
  timeoutMs: number | undefined;
  /** For messages: "Slack" and "token request". */
  providerName: string;
  purpose: string;
};

function causeCode(error: unknown): string | undefined {
  const cause = error instanceof Error ? error.cause : undefined;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') {
    return cause.code;
  }
  return undefined;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

async function readCapped(response: Response, request: ProviderRequest): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxResponseBytes) {
      await reader.cancel();
      throw new AppError(
        'OAUTH_BAD_RESPONSE',
        502,
        `${request.providerName} sent an oversized answer to the ${request.purpose} (over ${maxResponseBytes} bytes).`,
      );
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(mediaType: string, text: string): unknown {
  if (mediaType === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(text));
  }
  // Some providers label JSON text/plain or text/javascript; an HTML page never starts with { or [.
  const trimmed = text.trim();
  if (mediaType.endsWith('json') || mediaType.endsWith('+json') || /^[[{]/.test(trimmed)) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * One HTTP exchange with a provider. Redirects are not followed (a redirect would carry the credential
 * or client secret elsewhere); the caller judges the status. Network failures and timeouts become
 * PROVIDER_UNREACHABLE, with the host and the system error code but nothing from the request.
 */
export async function sendProviderRequest(request: ProviderRequest): Promise<ProviderResponse> {
  const timeoutMs = request.timeoutMs ?? defaultProviderTimeoutMs;
  const signal = AbortSignal.timeout(timeoutMs);
  const unreachable = (error: unknown): AppError => {
    if (isTimeout(error) || signal.aborted) {
      return new AppError(
        'PROVIDER_UNREACHABLE',
        502,
        `${request.providerName} did not answer the ${request.purpose} within ${timeoutMs / 1000} s (${request.url.host}). Try again later.`,
      );
    }
    const code = causeCode(error);
    return new AppError(
      'PROVIDER_UNREACHABLE',
      502,
      `${request.providerName} could not be reached for the ${request.purpose} (${request.url.host}${code ? `: ${code}` : ''}). Try again later.`,
    );
  };

  let response: Response;
  try {
    response = await request.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body ? { body: request.body } : {}),
      redirect: 'manual',
      signal,
    });
  } catch (error) {
    throw unreachable(error);
  }
  let text: string;
  try {
    text = await readCapped(response, request);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw unreachable(error);
  }
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return { status: response.status, mediaType, body: parseBody(mediaType, text), headers: response.headers };
}

/** Whether a value is a plain JSON object (token and identity responses must be). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A provider's error code made safe to show: a short token of printable characters. */
export function safeErrorCode(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const code = String(value).trim();
  return /^[\w.:\- ]{1,100}$/.test(code) ? code : undefined;
}
