import { type FetchLike, type SdkAuth, sdkVersionHeader, selectedCredentialHeader } from './sdkHttp';
import { sdkVersion } from './sdkVersion';

/** `request()` options: fetch's, with a plain object body sent as JSON, and the account to use. */
export type ProxyRequestInit = Omit<RequestInit, 'body' | 'headers'> & {
  body?: unknown;
  headers?: Record<string, string> | Headers | Array<[string, string]>;
  /** Which of the user's accounts to call as (`X-Paragon-Credential`); default the current one. */
  selectedCredentialId?: string;
};

/** A non-2xx answer from the proxy: the provider's own error (status passed through) or Switchboard's. */
export class ProxyRequestError extends Error {
  override readonly name = 'ProxyRequestError';

  constructor(
    message: string,
    readonly status: number,
    /** Switchboard's error code when Switchboard refused the call (e.g. CREDENTIAL_INVALID); undefined for provider errors. */
    readonly code: string | undefined,
    /** The parsed JSON body (unwrapped from `{ output }`), or the text. */
    readonly response: unknown,
  ) {
    super(message);
  }
}

function isPassThroughBody(body: unknown): boolean {
  return (
    typeof body === 'string' ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    (typeof Blob !== 'undefined' && body instanceof Blob) ||
    (typeof FormData !== 'undefined' && body instanceof FormData) ||
    (typeof URLSearchParams !== 'undefined' && body instanceof URLSearchParams) ||
    (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream)
  );
}

function headerRecord(headers: ProxyRequestInit['headers']): Record<string, string> {
  if (!headers) return {};
  if (typeof Headers !== 'undefined' && headers instanceof Headers)
    return Object.fromEntries(headers.entries());
  if (Array.isArray(headers)) return Object.fromEntries(headers);
  return { ...(headers as Record<string, string>) };
}

function unwrap(value: unknown): unknown {
  return typeof value === 'object' && value !== null && 'output' in value
    ? (value as { output: unknown }).output
    : value;
}

/**
 * One proxied call (wire protocol 5.5): `<method> /projects/:pid/sdk/proxy/<type><path>` with the
 * literal `Content-Type: auto` (the server infers it) unless the caller sets one, objects as JSON,
 * caller headers, then the User Token. The answer is read as text, JSON-parsed when the response says
 * JSON, and unwrapped from `{ output }`; an empty answer is `undefined`.
 */
export async function sendProxyRequest(
  fetchFn: FetchLike,
  auth: SdkAuth,
  integrationType: string,
  path: string,
  init: ProxyRequestInit = {},
): Promise<unknown> {
  const { body, headers, selectedCredentialId, ...rest } = init;
  const method = (init.method ?? 'GET').toUpperCase();
  const url = `${auth.host}/projects/${encodeURIComponent(auth.projectId)}/sdk/proxy/${integrationType}${path.startsWith('/') ? path : `/${path}`}`;
  const request: RequestInit = {
    ...rest,
    method,
    headers: {
      Accept: 'application/json',
      'Content-Type': 'auto',
      [sdkVersionHeader]: sdkVersion,
      ...(selectedCredentialId ? { [selectedCredentialHeader]: selectedCredentialId } : {}),
      ...headerRecord(headers),
      Authorization: `Bearer ${auth.token}`,
    },
  };
  if (body !== undefined && method !== 'GET' && method !== 'HEAD') {
    request.body = isPassThroughBody(body) ? (body as BodyInit) : JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetchFn(url, request);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not reach Switchboard at ${auth.host}: ${reason}`, { cause: error });
  }
  const text = await response.text();
  let parsed: unknown = text === '' ? undefined : text;
  if (text !== '' && response.headers.get('content-type')?.includes('application/json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (response.ok) return unwrap(parsed);
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const isSwitchboardError = typeof record.code === 'string' && typeof record.status === 'number';
  const message =
    isSwitchboardError && typeof record.message === 'string'
      ? record.message
      : `${integrationType} answered HTTP ${response.status}: ${(typeof parsed === 'string' ? parsed : (JSON.stringify(unwrap(parsed)) ?? '')).slice(0, 300)}`;
  throw new ProxyRequestError(
    message,
    response.status,
    isSwitchboardError ? (record.code as string) : undefined,
    isSwitchboardError ? parsed : unwrap(parsed),
  );
}
