import { createServer, type IncomingMessage, type Server } from 'node:http';
import {
  defineIntegration,
  type IntegrationDefinition,
  type IntegrationDefinitionInput,
} from '@switchboard/catalog';

export type TokenMode =
  | 'ok'
  | 'html'
  | 'server-error'
  | 'invalid-grant'
  | 'no-access-token'
  | 'no-refresh-token';

/** What the fake provider received, for assertions. */
export interface FakeProviderLog {
  authorize: URLSearchParams[];
  token: Array<{ form: URLSearchParams; authorization: string | undefined }>;
  revoke: URLSearchParams[];
  verify: Array<string | undefined>;
  /** Every request to `/echo/...` (the proxy's upstream): raw URL, headers and body bytes. */
  echo: EchoRecord[];
  /** How many requests the provider received in all. */
  requests: number;
}

export interface EchoRecord {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/**
 * A third-party provider on 127.0.0.1 that speaks real OAuth 2.0 over HTTP, with its behaviour set
 * per test: the authorize endpoint answers at once (approve or deny, no UI), the token endpoint
 * can succeed or fail in the ways real providers do, and an API-key endpoint accepts one key.
 */
export async function startFakeProvider() {
  const log: FakeProviderLog = { authorize: [], token: [], revoke: [], verify: [], echo: [], requests: 0 };
  const state = {
    consent: 'approve' as 'approve' | 'deny',
    tokenMode: 'ok' as TokenMode,
    issued: 0,
    /** `/echo/auth/…` accepts only access tokens issued at or after this number (older ones get 401). */
    acceptFrom: 0,
    /** How long the token endpoint takes to answer (so concurrent refreshes overlap). */
    tokenDelayMs: 0,
    /** Lifetime of issued access tokens. */
    expiresIn: 3600,
  };
  /** Calls so far per `/echo/flaky/<key>/…` key. */
  const flaky = new Map<string, number>();

  const body = (request: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = '';
      request.on('data', (chunk) => {
        text += chunk;
      });
      request.on('end', () => resolve(text));
    });

  const bytes = (request: IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => resolve(Buffer.concat(chunks)));
    });

  const server: Server = createServer(async (request, response) => {
    log.requests += 1;
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const json = (status: number, value: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    if (url.pathname.startsWith('/echo/')) {
      // The proxy's upstream: records what arrived; the path picks the answer.
      const record = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: await bytes(request),
      };
      log.echo.push(record);
      const issuedNumber = Number(
        /^Bearer access-(\d+)$/.exec(request.headers.authorization ?? '')?.[1] ?? 0,
      );
      if (url.pathname.startsWith('/echo/auth/') && (issuedNumber === 0 || issuedNumber < state.acceptFrom))
        return json(401, { error: 'invalid_token' });
      // `/echo/flaky/<key>/<n>`: the first n calls per key answer ?status= (default 503), with
      // ?retryAfter= as Retry-After when given; later calls succeed.
      const flakyMatch = /^\/echo\/flaky\/([^/]+)\/(\d+)/.exec(url.pathname);
      if (flakyMatch) {
        const seen = (flaky.get(flakyMatch[1] as string) ?? 0) + 1;
        flaky.set(flakyMatch[1] as string, seen);
        if (seen <= Number(flakyMatch[2])) {
          const retryAfter = url.searchParams.get('retryAfter');
          const reset = url.searchParams.get('reset');
          response.writeHead(Number(url.searchParams.get('status') ?? 503), {
            'content-type': 'application/json',
            ...(retryAfter ? { 'retry-after': retryAfter } : {}),
            // The reset header fakeoauth declares in its catalog entry (seconds until the window resets).
            ...(reset ? { 'x-fake-ratelimit-reset': reset } : {}),
          });
          return response.end(JSON.stringify({ error: 'try again', attempt: seen }));
        }
        return json(200, { ok: true, attempt: seen });
      }
      const status = /^\/echo\/status\/(\d{3})/.exec(url.pathname)?.[1];
      if (status) return json(Number(status), { error: `upstream ${status}` });
      if (url.pathname.startsWith('/echo/slow')) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        return json(200, { slow: true });
      }
      if (url.pathname.startsWith('/echo/text')) {
        response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        return response.end('plain upstream text');
      }
      if (url.pathname.startsWith('/echo/bytes')) {
        // Echoes the body back with the request's content type.
        response.writeHead(200, {
          'content-type': request.headers['content-type'] ?? 'application/octet-stream',
        });
        return response.end(record.body);
      }
      if (url.pathname.startsWith('/echo/empty')) {
        response.writeHead(204);
        return response.end();
      }
      return json(200, {
        method: record.method,
        url: record.url,
        authorization: request.headers.authorization ?? null,
        bodyBase64: record.body.toString('base64'),
      });
    }
    if (url.pathname === '/authorize') {
      log.authorize.push(url.searchParams);
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      if (state.consent === 'deny') back.searchParams.set('error', 'access_denied');
      else back.searchParams.set('code', `code-${log.authorize.length}`);
      response.writeHead(302, { location: back.toString() });
      response.end();
      return;
    }
    if (url.pathname === '/token' && request.method === 'POST') {
      const form = new URLSearchParams(await body(request));
      log.token.push({ form, authorization: request.headers.authorization });
      if (state.tokenDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.tokenDelayMs));
      if (state.tokenMode === 'html') {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html><body>Sign in to continue</body></html>');
        return;
      }
      if (state.tokenMode === 'server-error') return json(500, { message: 'internal error' });
      if (state.tokenMode === 'invalid-grant')
        return json(400, { error: 'invalid_grant', error_description: 'code expired' });
      if (state.tokenMode === 'no-access-token') return json(200, { token_type: 'bearer' });
      state.issued += 1;
      return json(200, {
        access_token: `access-${state.issued}`,
        ...(state.tokenMode === 'no-refresh-token' ? {} : { refresh_token: `refresh-${state.issued}` }),
        token_type: 'bearer',
        expires_in: state.expiresIn,
        scope: 'read write',
      });
    }
    if (url.pathname === '/me') {
      if (!request.headers.authorization?.startsWith('Bearer access-'))
        return json(401, { error: 'invalid_token' });
      return json(200, { id: 'acct-42', email: 'owner@example.com' });
    }
    if (url.pathname === '/drive') {
      // fakedrive's identity: shaped like Microsoft Graph's GET /me/drive (OneDrive for Business).
      if (!request.headers.authorization?.startsWith('Bearer access-'))
        return json(401, { error: 'invalid_token' });
      return json(200, {
        id: 'drive-7',
        driveType: 'business',
        webUrl: 'https://contoso-my.sharepoint.com/personal/owner_contoso_com/Documents',
        owner: { user: { id: 'acct-42', displayName: 'Owner' } },
      });
    }
    if (url.pathname === '/revoke' && request.method === 'POST') {
      log.revoke.push(new URLSearchParams(await body(request)));
      return json(200, {});
    }
    if (url.pathname === '/verify') {
      const key = request.headers['x-api-key'] as string | undefined;
      log.verify.push(key);
      if (key !== 'good-key') return json(401, { error: 'bad key' });
      return json(200, { account: 'key-account-7' });
    }
    json(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const icon = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>';

  const fakeOAuth = {
    type: 'fakeoauth',
    name: 'Fake OAuth',
    brandColor: '#123456',
    icon,
    category: 'crm',
    description: 'A local OAuth 2.0 provider for tests.',
    overview: 'Test provider.',
    docsUrl: 'https://example.com/docs',
    local: true,
    auth: {
      type: 'oauth2',
      authorizationUrl: `${base}/authorize`,
      tokenUrl: `${base}/token`,
      revocation: {
        url: `${base}/revoke`,
        method: 'POST',
        token: 'refresh',
        tokenPlacement: 'form',
        clientAuthentication: 'basic',
      },
      scopes: ['read', 'write'],
      clientAuthentication: 'basic',
      pkce: true,
      refresh: { refreshToken: 'always', rotates: true },
    },
    api: {
      baseUrl: base,
      allowedHosts: ['127.0.0.1'],
      rateLimit: { resetHeader: { name: 'X-Fake-RateLimit-Reset', unit: 'seconds' } },
    },
    account: {
      request: { method: 'GET', url: '/me' },
      providerId: { identity: 'id' },
      providerData: { email: { identity: 'email' } },
    },
  } satisfies IntegrationDefinitionInput;
  const definitions: IntegrationDefinition[] = [
    defineIntegration(fakeOAuth),
    // Asks post-OAuth inputs: the credential stays PENDING until complete-setup stores them.
    defineIntegration({
      ...fakeOAuth,
      type: 'fakepost',
      name: 'Fake Post Setup',
      description: 'A local OAuth 2.0 provider that asks which workspace to use after connecting.',
      auth: {
        ...fakeOAuth.auth,
        postInputs: [
          { id: 'workspace', title: 'Workspace', subtitle: 'Which workspace to sync', pattern: '[a-z0-9-]+' },
          { id: 'pipeline', title: 'Pipeline', required: false, placeholder: 'default' },
        ],
      },
    }),
    // A file-storage entry with an ExternalFilePicker: may hand its access token to the browser
    // (includeAccountAuth=true), with a OneDrive-style DOMAIN read from the drive's webUrl.
    defineIntegration({
      ...fakeOAuth,
      type: 'fakedrive',
      name: 'Fake Drive',
      category: 'fileStorage',
      description: 'A local OAuth 2.0 file-storage provider for tests.',
      account: {
        request: { method: 'GET', url: '/drive' },
        providerId: { identity: 'owner.user.id' },
        providerData: { driveWebUrl: { identity: 'webUrl' } },
      },
      filePicker: {
        domain: {
          fromProviderData: 'driveWebUrl',
          hosts: ['onedrive.live.com', '*.sharepoint.com'],
          fallback: 'https://onedrive.live.com',
        },
      },
    }),
    defineIntegration({
      type: 'fakekey',
      name: 'Fake Key',
      brandColor: '#654321',
      icon,
      category: 'crm',
      description: 'A local API-key provider for tests.',
      overview: 'Test provider.',
      docsUrl: 'https://example.com/docs',
      local: true,
      auth: {
        type: 'apiKey',
        fields: [
          { id: 'apiKey', title: 'API key', secret: true },
          { id: 'region', title: 'Region', required: false, pattern: '[a-z]{2}' },
        ],
        injection: { type: 'header', name: 'X-Api-Key', value: '{{apiKey}}' },
        verification: { method: 'GET', url: '/verify' },
      },
      api: { baseUrl: base, allowedHosts: ['127.0.0.1'] },
      account: { providerId: { identity: 'account' }, providerData: {} },
    }),
  ];

  return {
    base,
    log,
    definitions,
    set(next: Partial<typeof state>) {
      Object.assign(state, next);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
