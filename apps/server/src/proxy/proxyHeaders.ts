import type { IncomingHttpHeaders } from 'node:http';

/** Never forwarded: hop-by-hop, routing, the caller's own credentials, Switchboard/Paragon control headers. */
const blocked = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'authorization',
  'cookie',
  'content-length',
  'content-type', // handled on its own (Content-Type: auto)
  'expect',
  'accept-encoding', // fetch negotiates and decodes compression itself
  'origin',
  'referer',
  'forwarded',
  'via',
  'x-real-ip',
]);
/**
 * The official client sends the literal `Content-Type: auto`, which is not a media type (Fastify refuses
 * it with 415): the proxy renames it to this before body parsing.
 */
export const AUTO_CONTENT_TYPE = 'application/x-switchboard-auto';

const blockedPrefixes = ['x-paragon-', 'x-forwarded-', 'sec-', 'x-switchboard-'];

function looksLikeJson(body: Buffer): boolean {
  if (body.length === 0) return false;
  try {
    JSON.parse(body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

/**
 * The headers sent upstream: content-type (the official client's literal `auto` becomes
 * application/json for a JSON body and is dropped otherwise), accept, and the caller's custom headers
 * minus everything in `blocked`. Keys are lower-case.
 */
export function forwardedHeaders(
  incoming: IncomingHttpHeaders,
  body: Buffer | undefined,
): Record<string, string> {
  const connectionListed = new Set(
    String(incoming.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    if (blocked.has(key) || connectionListed.has(key) || blockedPrefixes.some((p) => key.startsWith(p)))
      continue;
    headers[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  const contentType = incoming['content-type'];
  if (contentType !== undefined) {
    const normalized = contentType.trim().toLowerCase();
    if (normalized === 'auto' || normalized === AUTO_CONTENT_TYPE) {
      if (body && looksLikeJson(body)) headers['content-type'] = 'application/json';
    } else {
      headers['content-type'] = contentType;
    }
  }
  return headers;
}

/** Header names lower-cased, so that spreading them over forwardedHeaders() replaces a caller's header. */
export function lowerCaseNames(headers: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name in headers) result[name.toLowerCase()] = headers[name] as string;
  return result;
}

/**
 * Upstream response headers never returned: hop-by-hop, framing (Fastify sets its own), cookies of the
 * provider's domain (they would land on Switchboard's origin) and CORS headers (ours apply).
 */
const notReturned = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'set-cookie',
  'strict-transport-security',
  'alt-svc',
  'date',
]);

/** The upstream's response headers to send back to the caller (lower-case names). */
export function returnedHeaders(
  upstream: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    if (notReturned.has(key) || key.startsWith('access-control-')) continue;
    headers[key] = value;
  }
  return headers;
}
