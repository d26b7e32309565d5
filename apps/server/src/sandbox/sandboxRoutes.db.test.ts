import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { openTestDatabase } from '@switchboard/db/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { installErrorHandler } from '../errorHandler';
import { sandboxRoutes } from './sandboxRoutes';

const clientId = 'switchboard-sandbox';
const clientSecret = 'sandbox-secret';
const redirectUri = 'http://127.0.0.1:9/oauth/callback?from=test';
const accessTokenTtlSeconds = 600;

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let app: FastifyInstance;
let base: string;
/** The sandbox's clock; tests only ever move it forward. */
let clock = Date.now();

async function startSandbox(): Promise<{ app: FastifyInstance; base: string }> {
  const instance = Fastify();
  instance.setValidatorCompiler(validatorCompiler);
  instance.setSerializerCompiler(serializerCompiler);
  installErrorHandler(instance);
  await instance.register(sandboxRoutes({ db: database.db, now: () => clock, accessTokenTtlSeconds }));
  await instance.listen({ host: '127.0.0.1', port: 0 });
  return { app: instance, base: `http://127.0.0.1:${(instance.server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  database = await openTestDatabase();
  ({ app, base } = await startSandbox());
});
afterAll(async () => {
  await app?.close();
  await database?.close();
});

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(overrides: Record<string, string | undefined> = {}): string {
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: 'contacts.read contacts.write',
    state: `state-${randomBytes(4).toString('hex')}`,
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  const url = new URL('/sandbox/oauth/authorize', base);
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(name, value);
  return url.href;
}

const get = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { redirect: 'manual', headers });

function postForm(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(new URL(path, base), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

const basic = (id = clientId, secret = clientSecret) => ({
  authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
});

/** The consent page's hidden request id. */
function requestIdOf(html: string): string {
  const id = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
  if (!id) throw new Error('no request_id on the consent page');
  return id;
}

/** The query of a redirect the sandbox answered with (must go to the registered redirect URI). */
function redirectParams(response: Response): URLSearchParams {
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location') ?? '');
  expect(`${location.origin}${location.pathname}`).toBe('http://127.0.0.1:9/oauth/callback');
  expect(location.searchParams.get('from')).toBe('test');
  return location.searchParams;
}

/** Through the consent page with Allow: the code, plus what the exchange needs. */
async function authorize(options: { account?: string; scope?: string } = {}) {
  const { verifier, challenge } = pkcePair();
  const state = `state-${randomBytes(4).toString('hex')}`;
  const page = await get(authorizeUrl({ state, code_challenge: challenge, scope: options.scope }));
  expect(page.status).toBe(200);
  const consent = await postForm('/sandbox/oauth/authorize', {
    request_id: requestIdOf(await page.text()),
    account: options.account ?? 'Sample Workspace',
    decision: 'allow',
  });
  const params = redirectParams(consent);
  expect(params.get('state')).toBe(state);
  const code = params.get('code');
  if (!code) throw new Error('no code in the redirect');
  return { code, verifier };
}

function exchange(code: string, verifier: string, headers: Record<string, string> = basic()) {
  return postForm(
    '/sandbox/oauth/token',
    { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier },
    headers,
  );
}

interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: string;
  scope: string;
}

async function connect(options: { account?: string; scope?: string } = {}): Promise<Tokens> {
  const { code, verifier } = await authorize(options);
  const response = await exchange(code, verifier);
  expect(response.status).toBe(200);
  return (await response.json()) as Tokens;
}

const refresh = (refreshToken: string) =>
  postForm('/sandbox/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken }, basic());

const api = (path: string, token: string | undefined, init: { method?: string; body?: unknown } = {}) =>
  fetch(new URL(`/sandbox/api${path}`, base), {
    method: init.method ?? 'GET',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });

async function expectInvalidToken(response: Response): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  expect(await response.json()).toEqual({ error: 'invalid_token' });
}

async function expectOAuthError(response: Response, status: number, error: string): Promise<string> {
  expect(response.status).toBe(status);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const body = (await response.json()) as { error: string; error_description: string };
  expect(body.error).toBe(error);
  expect(body.error_description).toEqual(expect.any(String));
  return body.error_description;
}

describe('authorization code flow with PKCE', () => {
  test('consent page, code, token exchange, then the API answers as the chosen account', async () => {
    const { verifier, challenge } = pkcePair();
    const page = await get(authorizeUrl({ state: 'xyz', code_challenge: challenge }));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).toContain('<title>Sandbox CRM');
    expect(html).toMatch(/<input type="text" id="sandbox-account" name="account" value="Sample Workspace"/);
    expect(html).toContain('id="sandbox-allow"');
    expect(html).toContain('id="sandbox-deny"');
    expect(html).toContain('<code>contacts.read</code>');
    expect(html).toContain('<code>contacts.write</code>');
    expect(html).toContain('<label for="sandbox-account">');

    const consent = await postForm('/sandbox/oauth/authorize', {
      request_id: requestIdOf(html),
      account: 'Sample Workspace',
      decision: 'allow',
    });
    const params = redirectParams(consent);
    expect(params.get('state')).toBe('xyz');
    const code = params.get('code') ?? '';

    const response = await exchange(code, verifier);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const tokens = (await response.json()) as Tokens;
    expect(tokens).toEqual({
      access_token: expect.stringMatching(/^sbx_at_/),
      token_type: 'Bearer',
      expires_in: accessTokenTtlSeconds,
      refresh_token: expect.stringMatching(/^sbx_rt_/),
      scope: 'contacts.read contacts.write',
    });

    const me = await api('/me', tokens.access_token);
    expect(me.status).toBe(200);
    const account = await me.json();
    expect(account).toEqual({
      id: expect.stringMatching(/^acct_/),
      name: 'Sample Workspace',
      email: 'owner@sample-workspace.example',
      workspace: 'sample-workspace',
    });

    // The same account name (spacing and case aside) is the same account; client credentials may
    // also come in the body (client_secret_post).
    const again = await authorize({ account: '  sample   WORKSPACE ' });
    const bodyAuth = await postForm('/sandbox/oauth/token', {
      grant_type: 'authorization_code',
      code: again.code,
      redirect_uri: redirectUri,
      code_verifier: again.verifier,
      client_id: clientId,
      client_secret: clientSecret,
    });
    expect(bodyAuth.status).toBe(200);
    const second = (await bodyAuth.json()) as Tokens;
    expect(((await (await api('/me', second.access_token)).json()) as { id: string }).id).toBe(account.id);
  });

  test('a narrower scope request is granted as asked', async () => {
    const tokens = await connect({ scope: 'contacts.read' });
    expect(tokens.scope).toBe('contacts.read');
  });

  test('a wrong code_verifier is refused, and the code is spent', async () => {
    const { code, verifier } = await authorize();
    const description = await expectOAuthError(
      await exchange(code, pkcePair().verifier),
      400,
      'invalid_grant',
    );
    expect(description).toContain('code_verifier');
    await expectOAuthError(await exchange(code, verifier), 400, 'invalid_grant');
  });

  test('a code without a verifier or with another redirect_uri is refused', async () => {
    const { code, verifier } = await authorize();
    await expectOAuthError(
      await postForm(
        '/sandbox/oauth/token',
        { grant_type: 'authorization_code', code, redirect_uri: redirectUri },
        basic(),
      ),
      400,
      'invalid_request',
    );
    const mismatch = await postForm(
      '/sandbox/oauth/token',
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'http://127.0.0.1:9/oauth/callback',
        code_verifier: verifier,
      },
      basic(),
    );
    expect(await expectOAuthError(mismatch, 400, 'invalid_grant')).toContain('redirect_uri');
  });

  test('a code used twice is refused and what it granted is revoked', async () => {
    const { code, verifier } = await authorize();
    const first = (await (await exchange(code, verifier)).json()) as Tokens;
    expect((await api('/me', first.access_token)).status).toBe(200);
    expect(await expectOAuthError(await exchange(code, verifier), 400, 'invalid_grant')).toContain(
      'already used',
    );
    await expectInvalidToken(await api('/me', first.access_token));
    await expectOAuthError(await refresh(first.refresh_token), 400, 'invalid_grant');
  });

  test('a code expires after 60 seconds', async () => {
    const { code, verifier } = await authorize();
    clock += 61_000;
    expect(await expectOAuthError(await exchange(code, verifier), 400, 'invalid_grant')).toContain('expired');
  });

  test('an unknown code is refused', async () => {
    await expectOAuthError(await exchange('not-a-code', pkcePair().verifier), 400, 'invalid_grant');
  });
});

describe('the consent page', () => {
  test('Deny sends access_denied with the state, and the form cannot be answered twice', async () => {
    const page = await get(authorizeUrl({ state: 'deny-me' }));
    const requestId = requestIdOf(await page.text());
    const denied = await postForm('/sandbox/oauth/authorize', { request_id: requestId, decision: 'deny' });
    const params = redirectParams(denied);
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe('deny-me');
    expect(params.get('code')).toBeNull();

    const replay = await postForm('/sandbox/oauth/authorize', {
      request_id: requestId,
      account: 'Sample Workspace',
      decision: 'allow',
    });
    expect(replay.status).toBe(400);
    expect(replay.headers.get('location')).toBeNull();
    expect(await replay.text()).toContain('This consent form has expired');
  });

  test('a forged or stale request id goes nowhere', async () => {
    const forged = await postForm('/sandbox/oauth/authorize', {
      request_id: 'made-up',
      account: 'Sample Workspace',
      decision: 'allow',
    });
    expect(forged.status).toBe(400);
    expect(forged.headers.get('location')).toBeNull();

    const page = await get(authorizeUrl());
    const requestId = requestIdOf(await page.text());
    clock += 11 * 60_000;
    const late = await postForm('/sandbox/oauth/authorize', { request_id: requestId, decision: 'allow' });
    expect(late.status).toBe(400);
    expect(late.headers.get('location')).toBeNull();
  });

  test('an empty account name shows the form again with the problem', async () => {
    const page = await get(authorizeUrl());
    const requestId = requestIdOf(await page.text());
    const retry = await postForm('/sandbox/oauth/authorize', {
      request_id: requestId,
      account: '   ',
      decision: 'allow',
    });
    expect(retry.status).toBe(400);
    const html = await retry.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('aria-invalid="true"');
    // The same request can still be answered.
    const allowed = await postForm('/sandbox/oauth/authorize', {
      request_id: requestIdOf(html),
      account: 'Retry Inc',
      decision: 'allow',
    });
    expect(redirectParams(allowed).get('code')).toEqual(expect.any(String));
  });

  test('what it renders is escaped', async () => {
    const unknownClient = await get(authorizeUrl({ client_id: '<script>alert(1)</script>' }));
    expect(unknownClient.status).toBe(400);
    const html = await unknownClient.text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');

    const page = await get(authorizeUrl());
    const retry = await postForm('/sandbox/oauth/authorize', {
      request_id: requestIdOf(await page.text()),
      account: `"><img src=x onerror=alert(1)>${'x'.repeat(80)}`,
      decision: 'allow',
    });
    expect(retry.status).toBe(400);
    const form = await retry.text();
    expect(form).not.toContain('<img');
    expect(form).toContain('value="&#34;&#62;&#60;img src=x onerror=alert(1)&#62;');
  });

  test('an unknown client or a bad redirect_uri gets an error page, never a redirect', async () => {
    for (const url of [
      authorizeUrl({ client_id: 'someone-else' }),
      authorizeUrl({ client_id: undefined }),
      authorizeUrl({ redirect_uri: undefined }),
      authorizeUrl({ redirect_uri: 'javascript:alert(1)' }),
      authorizeUrl({ redirect_uri: '/relative/callback' }),
      authorizeUrl({ redirect_uri: 'https://evil.test/cb#fragment' }),
      `${authorizeUrl()}&redirect_uri=${encodeURIComponent('https://evil.test/cb')}`,
    ]) {
      const response = await get(url);
      expect(response.status, url).toBe(400);
      expect(response.headers.get('location'), url).toBeNull();
      expect(await response.text(), url).toContain('Sandbox CRM');
    }
  });

  test('other request errors go back to the client per RFC 6749 §4.1.2.1', async () => {
    const cases: [Record<string, string | undefined>, string][] = [
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ response_type: undefined }, 'invalid_request'],
      [{ code_challenge: undefined }, 'invalid_request'],
      [{ code_challenge_method: 'plain' }, 'invalid_request'],
      [{ code_challenge_method: undefined }, 'invalid_request'],
      [{ code_challenge: 'short' }, 'invalid_request'],
      [{ scope: 'contacts.read admin' }, 'invalid_scope'],
    ];
    for (const [overrides, error] of cases) {
      const response = await get(authorizeUrl({ state: 'keep-me', ...overrides }));
      const params = redirectParams(response);
      expect(params.get('error'), JSON.stringify(overrides)).toBe(error);
      expect(params.get('error_description')).toEqual(expect.any(String));
      expect(params.get('state')).toBe('keep-me');
    }
    const noState = redirectParams(await get(authorizeUrl({ state: undefined })));
    expect(noState.get('error')).toBe('invalid_request');
    expect(noState.get('state')).toBeNull();
  });
});

describe('refresh tokens', () => {
  test('rotate: a refresh issues a new refresh token; reusing the old one ends the grant', async () => {
    const first = await connect();
    const response = await refresh(first.refresh_token);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const second = (await response.json()) as Tokens;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second).toMatchObject({ token_type: 'Bearer', expires_in: accessTokenTtlSeconds });
    expect((await api('/me', second.access_token)).status).toBe(200);

    const third = (await (await refresh(second.refresh_token)).json()) as Tokens;
    expect((await api('/me', third.access_token)).status).toBe(200);

    // Reuse of a rotated token: refused, and every token of the grant stops working.
    expect(await expectOAuthError(await refresh(first.refresh_token), 400, 'invalid_grant')).toContain(
      'already used',
    );
    await expectOAuthError(await refresh(third.refresh_token), 400, 'invalid_grant');
    await expectInvalidToken(await api('/me', third.access_token));
  });

  test('a refresh may narrow the scope but not widen it', async () => {
    const readOnly = await connect({ scope: 'contacts.read' });
    await expectOAuthError(
      await postForm(
        '/sandbox/oauth/token',
        { grant_type: 'refresh_token', refresh_token: readOnly.refresh_token, scope: 'contacts.write' },
        basic(),
      ),
      400,
      'invalid_scope',
    );
    const full = await connect();
    const narrowed = await postForm(
      '/sandbox/oauth/token',
      { grant_type: 'refresh_token', refresh_token: full.refresh_token, scope: 'contacts.read' },
      basic(),
    );
    const tokens = (await narrowed.json()) as Tokens;
    expect(tokens.scope).toBe('contacts.read');
    expect(
      (
        await api('/contacts', tokens.access_token, {
          method: 'POST',
          body: { name: 'A', email: 'a@b.test' },
        })
      ).status,
    ).toBe(403);
    // The next refresh still carries the whole grant.
    expect(((await (await refresh(tokens.refresh_token)).json()) as Tokens).scope).toBe(
      'contacts.read contacts.write',
    );
  });

  test('an access token expires; a refresh brings a working one', async () => {
    const tokens = await connect();
    expect((await api('/me', tokens.access_token)).status).toBe(200);
    clock += (accessTokenTtlSeconds + 1) * 1000;
    await expectInvalidToken(await api('/me', tokens.access_token));
    const renewed = (await (await refresh(tokens.refresh_token)).json()) as Tokens;
    expect((await api('/me', renewed.access_token)).status).toBe(200);
  });

  test('an access token is not a refresh token', async () => {
    const tokens = await connect();
    await expectOAuthError(await refresh(tokens.access_token), 400, 'invalid_grant');
  });
});

describe('revocation (RFC 7009)', () => {
  const revoke = (fields: Record<string, string>, headers: Record<string, string> = basic()) =>
    postForm('/sandbox/oauth/revoke', fields, headers);

  test('revoking an access token stops it; the refresh token still works', async () => {
    const tokens = await connect();
    const response = await revoke({ token: tokens.access_token, token_type_hint: 'access_token' });
    expect(response.status).toBe(200);
    await expectInvalidToken(await api('/me', tokens.access_token));
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
  });

  test('revoking the refresh token ends the whole grant', async () => {
    const tokens = await connect();
    expect((await revoke({ token: tokens.refresh_token })).status).toBe(200);
    await expectOAuthError(await refresh(tokens.refresh_token), 400, 'invalid_grant');
    await expectInvalidToken(await api('/me', tokens.access_token));
    // Revoking again, or a token never issued: still 200.
    expect((await revoke({ token: tokens.refresh_token })).status).toBe(200);
    expect((await revoke({ token: 'never-issued', token_type_hint: 'whatever' })).status).toBe(200);
  });

  test('needs the token and an authenticated client', async () => {
    await expectOAuthError(await revoke({}), 400, 'invalid_request');
    const tokens = await connect();
    await expectOAuthError(
      await revoke({ token: tokens.access_token }, basic(clientId, 'wrong')),
      401,
      'invalid_client',
    );
    expect((await api('/me', tokens.access_token)).status).toBe(200);
  });
});

describe('client authentication at the token endpoint', () => {
  test('wrong or missing credentials are invalid_client (401 with a Basic challenge)', async () => {
    const { code, verifier } = await authorize();
    for (const headers of [basic(clientId, 'wrong-secret'), basic('someone-else', clientSecret), {}]) {
      const response = await exchange(code, verifier, headers);
      await expectOAuthError(response, 401, 'invalid_client');
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="Sandbox CRM"');
    }
    await expectOAuthError(
      await exchange(code, verifier, { authorization: 'Bearer something' }),
      401,
      'invalid_client',
    );
    const inBody = await postForm('/sandbox/oauth/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      client_id: clientId,
      client_secret: 'wrong',
    });
    await expectOAuthError(inBody, 401, 'invalid_client');
    const both = await postForm(
      '/sandbox/oauth/token',
      { grant_type: 'authorization_code', code, client_secret: clientSecret },
      basic(),
    );
    await expectOAuthError(both, 400, 'invalid_request');
    // None of these spent the code.
    expect((await exchange(code, verifier)).status).toBe(200);
  });

  test('Basic credentials are form-urlencoded (RFC 6749 §2.3.1)', async () => {
    const { code, verifier } = await authorize();
    const encoded = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
    const response = await exchange(code, verifier, {
      authorization: `Basic ${Buffer.from(encoded).toString('base64')}`,
    });
    expect(response.status).toBe(200);
  });

  test('requests must be form-encoded and name a supported grant', async () => {
    const json = await fetch(new URL('/sandbox/oauth/token', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...basic() },
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: 'x' }),
    });
    await expectOAuthError(json, 400, 'invalid_request');
    await expectOAuthError(
      await postForm('/sandbox/oauth/token', { grant_type: 'password' }, basic()),
      400,
      'unsupported_grant_type',
    );
    await expectOAuthError(await postForm('/sandbox/oauth/token', {}, basic()), 400, 'invalid_request');
    const repeated = await fetch(new URL('/sandbox/oauth/token', base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...basic() },
      body: 'grant_type=refresh_token&refresh_token=a&refresh_token=b',
    });
    await expectOAuthError(repeated, 400, 'invalid_request');
  });
});

describe('the contacts API', () => {
  test('create, list, read, change and delete, each account seeing its own', async () => {
    const tokens = await connect({ account: 'Contacts Co' });
    const list = async (token: string) =>
      ((await (await api('/contacts', token)).json()) as { data: { id: string; name: string }[] }).data;
    expect(await list(tokens.access_token)).toEqual([]);

    const created = await api('/contacts', tokens.access_token, {
      method: 'POST',
      body: { name: 'Ada Lovelace', email: 'ada@example.com' },
    });
    expect(created.status).toBe(201);
    const ada = (await created.json()) as { id: string; name: string; email: string; createdAt: string };
    expect(ada).toEqual({
      id: expect.stringMatching(/^ct_/),
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      createdAt: new Date(clock).toISOString(),
    });
    clock += 1000;
    await api('/contacts', tokens.access_token, {
      method: 'POST',
      body: { name: 'Grace Hopper', email: 'grace@example.com' },
    });
    expect((await list(tokens.access_token)).map((c) => c.name)).toEqual(['Ada Lovelace', 'Grace Hopper']);

    const one = await api(`/contacts/${ada.id}`, tokens.access_token);
    expect(await one.json()).toEqual(ada);
    const changed = await api(`/contacts/${ada.id}`, tokens.access_token, {
      method: 'PATCH',
      body: { email: 'ada@analytical.engine' },
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ name: 'Ada Lovelace', email: 'ada@analytical.engine' });

    // Another account sees none of them, not even by id.
    const other = await connect({ account: 'Elsewhere Ltd' });
    expect(await list(other.access_token)).toEqual([]);
    expect((await api(`/contacts/${ada.id}`, other.access_token)).status).toBe(404);
    expect((await api(`/contacts/${ada.id}`, other.access_token, { method: 'DELETE' })).status).toBe(404);

    expect((await api(`/contacts/${ada.id}`, tokens.access_token, { method: 'DELETE' })).status).toBe(204);
    const gone = await api(`/contacts/${ada.id}`, tokens.access_token);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', status: 404 });
    expect((await list(tokens.access_token)).map((c) => c.name)).toEqual(['Grace Hopper']);
  });

  test('bodies are validated', async () => {
    const tokens = await connect();
    const bad = await api('/contacts', tokens.access_token, {
      method: 'POST',
      body: { name: '', email: 'not-an-email' },
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { code: string; details: { path: string }[] };
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.details.map((d) => d.path).sort()).toEqual(['body.email', 'body.name']);
  });

  test('without a valid bearer token: 401 invalid_token, before the body is even read', async () => {
    await expectInvalidToken(await api('/me', undefined));
    await expectInvalidToken(await api('/contacts', 'sbx_at_made-up'));
    await expectInvalidToken(await api('/contacts', undefined, { method: 'POST', body: { name: '' } }));
    const basicAuth = await fetch(new URL('/sandbox/api/me', base), { headers: basic() });
    await expectInvalidToken(basicAuth);
  });

  test('a read-only token may read but not write (403 insufficient_scope)', async () => {
    const tokens = await connect({ scope: 'contacts.read' });
    expect((await api('/contacts', tokens.access_token)).status).toBe(200);
    const write = await api('/contacts', tokens.access_token, {
      method: 'POST',
      body: { name: 'Nope', email: 'nope@example.com' },
    });
    expect(write.status).toBe(403);
    expect(write.headers.get('www-authenticate')).toBe(
      'Bearer error="insufficient_scope", scope="contacts.write"',
    );
    expect(await write.json()).toEqual({ error: 'insufficient_scope' });
  });
});

test('state lives in the database: a restarted sandbox honours earlier tokens and codes', async () => {
  const tokens = await connect({ account: 'Durable' });
  const pending = await authorize({ account: 'Durable' });
  await app.close();
  ({ app, base } = await startSandbox());
  expect((await api('/me', tokens.access_token)).status).toBe(200);
  expect((await exchange(pending.code, pending.verifier)).status).toBe(200);
  expect((await refresh(tokens.refresh_token)).status).toBe(200);
});
