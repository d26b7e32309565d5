import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createConnectedUserResolver } from '../auth/connectedUserResolver';
import { createUserTokenVerifier } from '../auth/userTokenVerifier';
import { createCredentialCache } from '../credentials/credentialCache';
import { createTokenRefresher } from '../credentials/tokenRefresher';
import { installErrorHandler } from '../errorHandler';
import { createProxyCall } from '../proxy/createProxyCall';
import { createUpstreamDispatchers } from '../proxy/upstreamDispatcher';
import { createActiveIntegrationsCache } from '../sdk/activeIntegrationsCache';
import { connectViaOAuth, rawRequest } from '../testing/connectViaOAuth';
import { startFakeProvider } from '../testing/fakeProvider';
import { startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';
import { proxyRoutes } from './proxyRoutes';

let provider: Awaited<ReturnType<typeof startFakeProvider>>;
let server: TestServer;
let project: TestProject;
let alice: { token: string; credentialId: string };
let bob: { token: string; credentialId: string };
const raw = rawRequest;
const connect = (sub: string) => connectViaOAuth(server, project, sub);

const proxy = (rest: string, type = 'fakeoauth') => `/projects/${project.projectId}/sdk/proxy/${type}${rest}`;
const json = (b: Buffer) => JSON.parse(b.toString('utf8'));

beforeAll(async () => {
  provider = await startFakeProvider();
  server = await startTestServer({ extraDefinitions: provider.definitions });
  project = await server.createProject('Proxy');
  await project.enable('fakeoauth', 'fakekey');
  alice = await connect('alice');
  bob = await connect('bob');
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
});

describe('proxy: pass-through', () => {
  test('CORS and errors look the same on the fast path (bodiless GET) and the Fastify route (POST, preflight)', async () => {
    const origin = 'https://app.example.test';
    const auth = { authorization: `Bearer ${alice.token}`, origin };
    const get = await raw(server.url, 'GET', proxy('/echo/cors'), auth);
    const post = await raw(
      server.url,
      'POST',
      proxy('/echo/cors'),
      { ...auth, 'content-type': 'application/json' },
      '{}',
    );
    for (const res of [get, post]) {
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers.vary).toMatch(/Origin/);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    }
    const preflight = await raw(server.url, 'OPTIONS', proxy('/echo/cors'), {
      origin,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization,x-paragon-credential',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(origin);
    // The same refusal body either way.
    const badGet = await raw(server.url, 'GET', proxy('/echo/x'), { origin });
    const badPost = await raw(server.url, 'POST', proxy('/echo/x'), { origin }, '{}');
    expect(badGet.status).toBe(401);
    expect(json(badGet.body)).toEqual(json(badPost.body));
    expect(badGet.headers['access-control-allow-origin']).toBe(origin);
  });

  test.each(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])(
    '%s reaches the upstream with the sealed token injected',
    async (method) => {
      const before = provider.log.echo.length;
      const res = await raw(server.url, method, proxy('/echo/items/42?b=2&a=%20x&a=1'), {
        authorization: `Bearer ${alice.token}`,
      });
      expect(res.status).toBe(200);
      const seen = provider.log.echo[before]!;
      expect(seen.method).toBe(method);
      expect(seen.url).toBe('/echo/items/42?b=2&a=%20x&a=1');
      expect(seen.headers.authorization).toMatch(/^Bearer access-\d+$/);
      // JSON answers are wrapped as { output } for the official client.
      expect(json(res.body)).toEqual({
        output: expect.objectContaining({ method, url: '/echo/items/42?b=2&a=%20x&a=1' }),
      });
    },
  );

  const bodies: Array<[string, string | undefined, Buffer]> = [
    ['JSON', 'application/json', Buffer.from('{"a":1,  "b":[true,null]}')],
    ['form', 'application/x-www-form-urlencoded', Buffer.from('a=1&b=%C3%A9+x&c=')],
    ['text', 'text/plain; charset=utf-8', Buffer.from('héllo\nworld\r\n')],
    ['binary', 'application/octet-stream', Buffer.from(Array.from({ length: 256 }, (_, i) => i))],
    ['large binary (3 MiB)', 'application/octet-stream', Buffer.alloc(3 * 1024 * 1024, 7)],
  ];
  test.each(bodies)('%s body passes through byte-exact', async (_name, contentType, body) => {
    const before = provider.log.echo.length;
    const res = await raw(
      server.url,
      'POST',
      proxy('/echo/bytes'),
      { authorization: `Bearer ${alice.token}`, ...(contentType ? { 'content-type': contentType } : {}) },
      body,
    );
    expect(res.status).toBe(200);
    const seen = provider.log.echo[before]!;
    expect(seen.body.equals(body)).toBe(true);
    expect(seen.headers['content-type']).toBe(contentType);
    if (contentType !== 'application/json') expect(res.body.equals(body)).toBe(true);
    else expect(json(res.body)).toEqual({ output: JSON.parse(body.toString()) });
  });

  test('Content-Type: auto becomes application/json for a JSON body and is dropped otherwise', async () => {
    const before = provider.log.echo.length;
    const headers = { authorization: `Bearer ${alice.token}`, 'content-type': 'auto' };
    await raw(server.url, 'POST', proxy('/echo/a'), headers, '{"x":1}');
    await raw(server.url, 'POST', proxy('/echo/b'), headers, 'not json');
    expect(provider.log.echo[before]!.headers['content-type']).toBe('application/json');
    expect(provider.log.echo[before + 1]!.headers['content-type']).toBeUndefined();
    expect(provider.log.echo[before + 1]!.body.toString()).toBe('not json');
  });

  test('custom headers are forwarded; credentials, cookies, hop-by-hop and X-Paragon-* are not', async () => {
    const before = provider.log.echo.length;
    await raw(server.url, 'GET', proxy('/echo/h'), {
      authorization: `Bearer ${alice.token}`,
      accept: 'application/vnd.test+json',
      'x-custom': 'kept',
      'notion-version': '2022-06-28',
      cookie: 'session=secret',
      'x-paragon-credential': alice.credentialId,
      'x-paragon-sdk-version': '2.0',
      'proxy-authorization': 'Basic abc',
      'x-forwarded-for': '10.0.0.1',
      connection: 'keep-alive, x-drop-me',
      'x-drop-me': 'hop',
    });
    const seen = provider.log.echo[before]!.headers;
    expect(seen['x-custom']).toBe('kept');
    expect(seen['notion-version']).toBe('2022-06-28');
    expect(seen.accept).toBe('application/vnd.test+json');
    expect(seen.authorization).toMatch(/^Bearer access-/);
    expect(seen.authorization).not.toContain(alice.token);
    for (const name of [
      'cookie',
      'x-paragon-credential',
      'x-paragon-sdk-version',
      'proxy-authorization',
      'x-forwarded-for',
      'x-drop-me',
    ])
      expect(seen[name], name).toBeUndefined();
    expect(seen.host).toBe(new URL(provider.base).host);
  });

  test('X-Paragon-Credential picks the account; another user’s credential is a 404 with no upstream call', async () => {
    const ok = await raw(server.url, 'GET', proxy('/echo/own'), {
      authorization: `Bearer ${alice.token}`,
      'x-paragon-credential': alice.credentialId,
    });
    expect(ok.status).toBe(200);
    const requests = provider.log.requests;
    const res = await raw(server.url, 'GET', proxy('/echo/other'), {
      authorization: `Bearer ${alice.token}`,
      'x-paragon-credential': bob.credentialId,
    });
    expect(res.status).toBe(404);
    expect(json(res.body).code).toBe('CREDENTIAL_NOT_FOUND');
    expect(provider.log.requests).toBe(requests);
  });

  test('no credential → 404 INTEGRATION_NOT_INSTALLED; bad token → 401; unknown type → 404', async () => {
    const carol = await project.token('carol');
    const none = await raw(server.url, 'GET', proxy('/echo/x'), { authorization: `Bearer ${carol}` });
    expect(none.status).toBe(404);
    expect(json(none.body).code).toBe('INTEGRATION_NOT_INSTALLED');
    expect((await raw(server.url, 'GET', proxy('/echo/x'), {})).status).toBe(401);
    const unknown = await raw(server.url, 'GET', proxy('/echo/x', 'nosuch'), {
      authorization: `Bearer ${alice.token}`,
    });
    expect(unknown.status).toBe(404);
  });

  test('upstream errors pass through; raw response; text and 204', async () => {
    const auth = { authorization: `Bearer ${alice.token}` };
    const failed = await raw(server.url, 'GET', proxy('/echo/status/500'), auth);
    expect(failed.status).toBe(500);
    expect(json(failed.body)).toEqual({ output: { error: 'upstream 500' } });
    const unauthorized = await raw(server.url, 'GET', proxy('/echo/status/401'), auth);
    expect(unauthorized.status).toBe(401);
    const rawRes = await raw(server.url, 'GET', proxy('/echo/status/418'), {
      ...auth,
      'x-paragon-use-raw-response': '1',
    });
    expect(rawRes.status).toBe(418);
    expect(json(rawRes.body)).toEqual({ error: 'upstream 418' });
    const text = await raw(server.url, 'GET', proxy('/echo/text'), auth);
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.body.toString()).toBe('plain upstream text');
    expect((await raw(server.url, 'DELETE', proxy('/echo/empty'), auth)).status).toBe(204);
  });

  test('X-Paragon-Proxy-Url on an allowed host is used as the full URL', async () => {
    const before = provider.log.echo.length;
    const res = await raw(server.url, 'GET', proxy('/ignored'), {
      authorization: `Bearer ${alice.token}`,
      'x-paragon-proxy-url': `${provider.base}/echo/full?q=1`,
    });
    expect(res.status).toBe(200);
    expect(provider.log.echo[before]!.url).toBe('/echo/full?q=1');
    expect(provider.log.echo[before]!.headers.authorization).toMatch(/^Bearer access-/);
  });

  test('the official client’s request() shape works (fetch, Content-Type: auto, JSON body)', async () => {
    const res = await fetch(`${server.url}${proxy('/echo/sdk?x=1')}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'auto', accept: 'application/json' },
      body: JSON.stringify({ hello: 'world' }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Buffer.from(body.output.bodyBase64, 'base64').toString()).toBe('{"hello":"world"}');
  });
});

describe('proxy: refusals', () => {
  const port = () => new URL(provider.base).port;
  const pathAttempts = [
    '/../admin',
    '/echo/../../etc/passwd',
    '/echo/./x',
    '/%2e%2e/admin',
    '/%2E%2E/admin',
    '/.%2e/admin',
    '/%2e./admin',
    '/echo%2f..%2fadmin',
    '/echo%2Fx',
    '/echo%5cx',
    '/echo\\..\\admin',
    '/%252e%252e/admin',
    '/..%5c..%5cwindows',
    '//evil.example/x',
    '/https://evil.example/x',
    '/http:%2f%2fevil.example',
    '/echo/%0d%0aX-Injected:%201',
    '/echo%0aHost:evil',
    '/echo/%00',
    '/echo/x?a=%0d%0aHost:%20evil',
    '/echo/x#frag',
  ];
  test.each(pathAttempts)('path %s → 400, nothing sent upstream', async (path) => {
    const requests = provider.log.requests;
    const res = await raw(server.url, 'GET', proxy(path), { authorization: `Bearer ${alice.token}` });
    expect(res.status).toBe(400);
    expect(json(res.body).message).toMatch(/\S/);
    expect(provider.log.requests).toBe(requests);
  });

  const urlAttempts = [
    () => 'https://evil.example/x',
    () => `http://localhost:${port()}/echo/x`,
    () => `http://user:pass@127.0.0.1:${port()}/echo/x`,
    () => `http://127.0.0.1@evil.example/echo/x`,
    () => `http://127.0.0.1:${port()}@evil.example/`,
    () => `http://127.0.0.1:${port()}/echo/%0d%0aX:1`,
    () => `http://127.0.0.1:${port()}/echo/../admin`,
    () => `http://127.0.0.1:${port()}/echo%2f..%2fadmin`,
    () => `http://evil.example\\@127.0.0.1:${port()}/`,
    () => 'file:///etc/passwd',
    () => '/echo/relative',
    () => 'not a url',
  ];
  test.each(urlAttempts.map((f, i) => [i, f] as const))(
    'X-Paragon-Proxy-Url #%i → 400, nothing sent',
    async (_i, f) => {
      const requests = provider.log.requests;
      const res = await raw(server.url, 'GET', proxy('/echo/x'), {
        authorization: `Bearer ${alice.token}`,
        'x-paragon-proxy-url': f(),
      });
      expect(res.status, f()).toBe(400);
      expect(json(res.body).message).toMatch(/Proxy request refused/);
      expect(provider.log.requests).toBe(requests);
    },
  );
});

describe('proxy: timeouts and network errors', () => {
  let app: FastifyInstance;
  const dispatchers = createUpstreamDispatchers();
  let url: string;
  beforeAll(async () => {
    app = Fastify();
    installErrorHandler(app);
    const verifier = createUserTokenVerifier({ db: server.db });
    await app.register(
      proxyRoutes({
        call: createProxyCall({
          activeIntegrations: createActiveIntegrationsCache({ db: server.db, catalog: server.catalog }),
          credentials: createCredentialCache({ db: server.db }),
          tokens: createTokenRefresher({
            db: server.db,
            keyring: server.keyring,
            fetch: globalThis.fetch,
            logger: pino({ level: 'silent' }),
          }),
          dispatchers,
          definitionOf: server.definitionOf,
          timeoutMs: 200,
        }),
        resolveConnectedUser: createConnectedUserResolver({ db: server.db, verifier }),
        originOf: () => 'http://127.0.0.1',
      }),
    );
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    await dispatchers.close();
  });

  test('a slow upstream answers 504 with a clear JSON error', async () => {
    const res = await raw(url, 'GET', proxy('/echo/slow'), { authorization: `Bearer ${alice.token}` });
    expect(res.status).toBe(504);
    expect(json(res.body)).toMatchObject({
      code: 'PROVIDER_UNREACHABLE',
      message: expect.stringMatching(/did not answer within/),
    });
  });

  test('an unreachable upstream answers 502', async () => {
    const res = await raw(url, 'GET', proxy('/echo/x'), {
      authorization: `Bearer ${alice.token}`,
      'x-paragon-proxy-url': 'http://127.0.0.1:1/echo/x',
    });
    expect(res.status).toBe(502);
    expect(json(res.body).code).toBe('PROVIDER_UNREACHABLE');
  });
});
