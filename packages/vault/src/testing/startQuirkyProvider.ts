import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  defineIntegration,
  type IntegrationDefinition,
  type IntegrationDefinitionInput,
  monogramIcon,
} from '@switchboard/catalog';
import type { Fetch } from '../sendProviderRequest';

/*
 * A third-party provider with the quirks real ones have (Slack's HTTP-200 errors and nested tokens,
 * HTML error pages, 5xx, missing fields, slowness), served over real HTTP on 127.0.0.1. Catalog entries
 * must use https URLs, so test entries name hosts under `quirky.test` and the returned `fetch` routes
 * those hosts to the local server (the original host travels in `x-original-host`).
 */

export type RecordedRequest = {
  method: string;
  host: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  form: URLSearchParams;
};

export type QuirkyProvider = {
  origin: string;
  requests: RecordedRequest[];
  fetch: Fetch;
  close(): Promise<void>;
};

const slackTokenResponse = {
  ok: true,
  access_token: 'xoxb-bot-token',
  token_type: 'bot',
  scope: 'channels:read,chat:write',
  bot_user_id: 'B0123',
  app_id: 'A0123',
  team: { name: 'Acme Inc', id: 'T9TK3CUKW' },
  enterprise: null,
  authed_user: { id: 'U1234', scope: 'chat:write', access_token: 'xoxp-user-token', token_type: 'user' },
};

type Reply = { status: number; type?: string; body?: string };

const json = (status: number, value: unknown): Reply => ({
  status,
  type: 'application/json; charset=utf-8',
  body: JSON.stringify(value),
});

function bearer(headers: IncomingHttpHeaders): string | undefined {
  return /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
}

function basicUser(headers: IncomingHttpHeaders): string | undefined {
  const encoded = /^Basic (.+)$/.exec(headers.authorization ?? '')?.[1];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8').split(':')[0];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function tokenEndpoint(form: URLSearchParams): Promise<Reply> {
  if (form.get('grant_type') === 'refresh_token') {
    const refreshToken = form.get('refresh_token');
    if (refreshToken === 'rt-keep') return json(200, { access_token: 'at-2', expires_in: 3600 });
    if (refreshToken === 'rt-rotate') return json(200, { access_token: 'at-3', refresh_token: 'rt-rotated' });
    return json(400, { error: 'invalid_grant', error_description: 'refresh token is invalid' });
  }
  switch (form.get('code')) {
    case 'good':
      return json(200, {
        access_token: 'at-1',
        refresh_token: 'rt-1',
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'contacts.read contacts.write',
        account: { id: 'acc-9', region: 'eu' },
      });
    case 'slack-good':
      return json(200, slackTokenResponse);
    case 'slack-bad':
      return json(200, { ok: false, error: 'invalid_code' });
    case 'html':
      return { status: 200, type: 'text/html', body: '<!doctype html><html><body>Sign in</body></html>' };
    case 'crash':
      return { status: 500, type: 'text/plain', body: 'Internal Server Error' };
    case 'unavailable':
      return json(503, { error: 'temporarily_unavailable' });
    case 'no-token':
      return json(200, { token_type: 'bearer', expires_in: 3600 });
    case 'error-200':
      return json(200, { error: 'bad_verification_code', error_description: 'The code is incorrect' });
    case 'form-encoded':
      return {
        status: 200,
        type: 'application/x-www-form-urlencoded',
        body: 'access_token=at-form&scope=repo',
      };
    case 'string-expiry':
      return json(200, { access_token: 'at-s', expires_in: '7200', scope: ['a', 'b'] });
    case 'slow':
      await sleep(1500);
      return json(200, { access_token: 'at-slow' });
    default:
      // Echoes the code the way careless providers do; the vault must not repeat it.
      return json(400, {
        error: 'invalid_grant',
        error_description: `code ${form.get('code') ?? ''} is expired or was already used`,
      });
  }
}

async function route(request: RecordedRequest): Promise<Reply> {
  const { method, path, headers } = request;
  if (method === 'POST' && path === '/oauth/token') return tokenEndpoint(request.form);
  if (method === 'POST' && path === '/oauth/revoke') return { status: 200 };
  if (method === 'POST' && path === '/api/auth.revoke') {
    return bearer(headers) === 'dead'
      ? json(200, { ok: false, error: 'invalid_auth' })
      : json(200, { ok: true, revoked: true });
  }
  if (method === 'GET' && path === '/api/me') {
    if (bearer(headers) !== 'at-1') return json(401, { error: 'invalid_token' });
    return json(200, {
      id: 42,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      verified: true,
      workspace: { name: 'Acme' },
      tags: ['a'],
      manager: null,
    });
  }
  if (method === 'GET' && path === '/v1/account') {
    const user = basicUser(headers);
    if (user === 'sk_test_good') return json(200, { id: 'acct_1', email: 'billing@example.com' });
    if (user === 'sk_test_forbidden') return json(403, { error: { message: 'Key lacks permission' } });
    if (user === 'sk_test_boom') return { status: 500, type: 'text/plain', body: 'oops' };
    return json(401, { error: { message: 'Invalid API Key provided' } });
  }
  return json(404, { error: 'not_found' });
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startQuirkyProvider(): Promise<QuirkyProvider> {
  const requests: RecordedRequest[] = [];
  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    void (async () => {
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
      const recorded: RecordedRequest = {
        method: incoming.method ?? 'GET',
        host: String(incoming.headers['x-original-host'] ?? incoming.headers.host),
        path: url.pathname,
        query: url.searchParams,
        headers: incoming.headers,
        form: await readForm(incoming),
      };
      requests.push(recorded);
      const reply = await route(recorded);
      if (outgoing.destroyed) return;
      outgoing.writeHead(reply.status, reply.type ? { 'content-type': reply.type } : {});
      outgoing.end(reply.body);
    })();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const routedFetch: Fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (url.hostname !== 'quirky.test' && !url.hostname.endsWith('.quirky.test')) {
      throw new Error(`test fetch: refusing to leave the test network (${url.host})`);
    }
    const headers = new Headers(init?.headers);
    headers.set('x-original-host', url.host);
    return fetch(`${origin}${url.pathname}${url.search}`, { ...init, headers });
  };

  return {
    origin,
    requests,
    fetch: routedFetch,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

type OAuth2Input = Extract<IntegrationDefinitionInput['auth'], { type: 'oauth2' }>;

/** A valid catalog entry on quirky.test hosts; pass overrides for the part under test. */
export function defineQuirkyIntegration(
  overrides: Partial<Omit<IntegrationDefinitionInput, 'auth'>> & {
    auth?: Partial<OAuth2Input> | IntegrationDefinitionInput['auth'];
  } = {},
): IntegrationDefinition {
  const { auth, ...rest } = overrides;
  const baseAuth: OAuth2Input = {
    type: 'oauth2',
    authorizationUrl: 'https://quirky.test/oauth/authorize',
    tokenUrl: 'https://quirky.test/oauth/token',
    scopes: ['contacts.read'],
    clientAuthentication: 'basic',
    pkce: true,
    refresh: { refreshToken: 'always', rotates: false },
  };
  const mergedAuth = auth?.type === 'apiKey' ? auth : { ...baseAuth, ...(auth as Partial<OAuth2Input>) };
  return defineIntegration({
    type: 'quirky',
    name: 'Quirky',
    brandColor: '#123456',
    icon: monogramIcon('QU', '#123456'),
    category: 'crm',
    description: 'A provider with every quirk.',
    overview: 'Test provider.',
    docsUrl: 'https://quirky.test/docs',
    api: { baseUrl: 'https://quirky.test/api', allowedHosts: ['quirky.test'] },
    ...rest,
    auth: mergedAuth,
  });
}
