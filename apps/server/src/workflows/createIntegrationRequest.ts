import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { IntegrationRequest } from '@switchboard/engine';
import type { ConnectedUserRef } from '../auth/connectedUserResolver';
import type { ProxyAnswer, ProxyRequest } from '../proxy/createProxyCall';

/**
 * An integration step's request, sent through the proxy core exactly as `paragon.request()` would be
 * for the execution's user and credential: fresh (refreshed) credential, the catalog's base URL (a
 * path can never leave it), the proxy's own 401-refresh and retry rules. The answer is read raw
 * (`X-Paragon-Use-Raw-Response`), so the step sees the provider's body, not the SDK's `{ output }`.
 */
export function createIntegrationRequest(deps: {
  proxyCall: (request: ProxyRequest) => Promise<ProxyAnswer>;
  user: ConnectedUserRef;
  credentialId: string | null;
  /** This server's origin (templates of local catalog entries). */
  origin: string;
}): IntegrationRequest {
  return async (request) => {
    const query = new URLSearchParams(request.query).toString();
    const path = request.path.startsWith('/') ? request.path : `/${request.path}`;
    const headers: IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    headers['x-paragon-use-raw-response'] = '1';
    if (deps.credentialId) headers['x-paragon-credential'] = deps.credentialId;
    let body: Buffer | undefined;
    if (request.body !== undefined) {
      if (typeof request.body === 'string') {
        body = Buffer.from(request.body);
        headers['content-type'] ??= 'text/plain; charset=utf-8';
      } else {
        body = Buffer.from(JSON.stringify(request.body));
        headers['content-type'] ??= 'application/json';
      }
    }
    const answer = await deps.proxyCall({
      user: deps.user,
      type: request.integration,
      method: request.method.toUpperCase(),
      rawUrl: `/projects/${deps.user.projectId}/sdk/proxy/${request.integration}${path}${query ? `?${query}` : ''}`,
      headers,
      body,
      origin: deps.origin,
    });
    const text = await readText(answer.body);
    const flatHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer.headers))
      flatHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
    let parsed: unknown = text;
    if (/[/+]json\b/i.test(flatHeaders['content-type'] ?? '') && text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: answer.status, headers: flatHeaders, body: text === '' ? null : parsed };
  };
}

async function readText(body: ProxyAnswer['body']): Promise<string> {
  if (body === undefined) return '';
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body as Readable) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
