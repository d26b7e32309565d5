import { sdkVersion } from './sdkVersion';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Where and as whom SDK requests go. */
export type SdkAuth = { host: string; projectId: string; token: string };

export type SdkRequest = {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path below `/projects/:projectId/sdk`, starting with `/`. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
};

export const selectedCredentialHeader = 'X-Paragon-Credential';
export const selectedConfigurationHeader = 'X-Paragon-Configuration-Id';
export const sdkVersionHeader = 'X-Paragon-SDK-Version';

/**
 * A non-2xx answer. `message` is the server's own `message` (Switchboard error bodies are
 * `{ message, code, status }`), not the re-serialized body the official client throws.
 */
export class ConnectRequestError extends Error {
  override readonly name = 'ConnectRequestError';

  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export function parseBody(text: string, contentType: string | null): unknown {
  if (text === '' || !contentType?.includes('json')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function errorFrom(response: Response, text: string, body: unknown): ConnectRequestError {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const message =
    typeof record.message === 'string' && record.message !== ''
      ? record.message
      : text.trim() !== '' && body === undefined
        ? text.trim().slice(0, 500)
        : `Request failed with HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const code = typeof record.code === 'string' ? record.code : undefined;
  return new ConnectRequestError(message, response.status, code, body ?? text);
}

/**
 * One SDK request, with the official client's headers (wire protocol 3.2): Accept and Content-Type
 * JSON on every method, the SDK version, caller headers, then the User Token last so that nothing can
 * override it. Resolves with the parsed JSON body (undefined for an empty or non-JSON body).
 */
export async function sendSdkRequest(
  fetchFn: FetchLike,
  auth: SdkAuth,
  request: SdkRequest,
): Promise<unknown> {
  const url = `${auth.host}/projects/${encodeURIComponent(auth.projectId)}/sdk${request.path}`;
  const init: RequestInit = {
    method: request.method,
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      [sdkVersionHeader]: sdkVersion,
      ...request.headers,
      Authorization: `Bearer ${auth.token}`,
    },
  };
  if (request.body !== undefined) init.body = JSON.stringify(request.body);
  let response: Response;
  try {
    response = await fetchFn(url, init);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not reach Switchboard at ${auth.host}: ${reason}`, { cause: error });
  }
  const text = await response.text();
  const body = parseBody(text, response.headers.get('content-type'));
  if (!response.ok) throw errorFrom(response, text, body);
  return body;
}
