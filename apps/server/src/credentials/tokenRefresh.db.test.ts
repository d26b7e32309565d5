import { findCredentialSecrets, listMonitoringEvents } from '@switchboard/db';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { openCredentialSecrets, sealCredentialSecrets } from '../connect/credentialSecrets';
import { connectViaOAuth, rawRequest } from '../testing/connectViaOAuth';
import { startFakeProvider } from '../testing/fakeProvider';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';
import { runRefreshSweep } from './refreshSweep';
import { createTokenRefresher } from './tokenRefresher';

let provider: Awaited<ReturnType<typeof startFakeProvider>>;
let server: TestServer;
let project: TestProject;
let users = 0;

const proxy = (rest: string) => `/projects/${project.projectId}/sdk/proxy/fakeoauth${rest}`;
const json = (b: Buffer) => JSON.parse(b.toString('utf8'));
const refreshGrants = () => provider.log.token.filter((t) => t.form.get('grant_type') === 'refresh_token');

async function stored(credentialId: string) {
  const row = await findCredentialSecrets(server.db, credentialId);
  const secrets = openCredentialSecrets(server.keyring, row!.sealed);
  if (secrets.kind !== 'oauth2') throw new Error('not an OAuth credential');
  return secrets;
}

/** Moves the stored access token's expiry to `expiresAt` (as if time had passed). */
async function setExpiry(credentialId: string, expiresAt: Date) {
  const secrets = await stored(credentialId);
  const sealed = sealCredentialSecrets(server.keyring, { ...secrets, expiresAt: expiresAt.toISOString() });
  await server.db
    .updateTable('credentialSecrets')
    .set({ sealed: sealed.sealed, keyId: sealed.keyId })
    .where('credentialId', '=', credentialId)
    .execute();
  await server.db
    .updateTable('credentials')
    .set({ dateValidUntil: expiresAt })
    .where('id', '=', credentialId)
    .execute();
}

/** A refresher of its own (another process's, as far as single-flight goes) on the test server's database. */
const newRefresher = () =>
  createTokenRefresher({
    db: server.db,
    keyring: server.keyring,
    fetch: globalThis.fetch,
    logger: pino({ level: 'silent' }),
  });

async function credentialRow(credentialId: string) {
  return server.db
    .selectFrom('credentials')
    .selectAll()
    .where('id', '=', credentialId)
    .executeTakeFirstOrThrow();
}

/** A new user with a fresh fakeoauth credential; its token expired a minute ago. */
async function expiredUser() {
  const user = await connectViaOAuth(server, project, `user-${++users}`);
  await setExpiry(user.credentialId, new Date(Date.now() - 60_000));
  return user;
}

beforeAll(async () => {
  provider = await startFakeProvider();
  server = await startTestServer({
    extraDefinitions: provider.definitions,
    proxy: { retryPolicy: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 2_000, maxTotalWaitMs: 5_000 } },
  });
  project = await server.createProject('Refresh');
  await project.enable('fakeoauth');
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
});
beforeEach(() => {
  provider.set({ tokenMode: 'ok', acceptFrom: 0, tokenDelayMs: 0, expiresIn: 3600 });
});

describe('refresh before use', () => {
  test('an expired token is refreshed once, stored sealed, and used upstream', async () => {
    const user = await expiredUser();
    const before = await stored(user.credentialId);
    const grants = refreshGrants().length;
    const res = await rawRequest(server.url, 'GET', proxy('/echo/x'), {
      authorization: `Bearer ${user.token}`,
    });
    expect(res.status).toBe(200);
    expect(refreshGrants().length).toBe(grants + 1);
    expect(refreshGrants().at(-1)!.form.get('refresh_token')).toBe(before.refreshToken);
    const after = await stored(user.credentialId);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken); // the provider rotated it
    expect(json(res.body).output.authorization).toBe(`Bearer ${after.accessToken}`);
    const row = await credentialRow(user.credentialId);
    expect(row.dateRefreshed).not.toBeNull();
    expect(row.dateValidUntil!.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    expect(row.refreshLeaseOwner).toBeNull();
    // A valid token is not refreshed again.
    await rawRequest(server.url, 'GET', proxy('/echo/x'), { authorization: `Bearer ${user.token}` });
    expect(refreshGrants().length).toBe(grants + 1);
  });

  test('100 concurrent calls with an expired token make exactly one token-endpoint call', async () => {
    const user = await expiredUser();
    provider.set({ tokenDelayMs: 150 });
    const grants = refreshGrants().length;
    const echoes = provider.log.echo.length;
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        rawRequest(server.url, 'GET', proxy('/echo/x'), { authorization: `Bearer ${user.token}` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(refreshGrants().length).toBe(grants + 1);
    const fresh = (await stored(user.credentialId)).accessToken;
    const seen = provider.log.echo.slice(echoes).map((e) => e.headers.authorization);
    expect(new Set(seen)).toEqual(new Set([`Bearer ${fresh}`]));
  });

  test('a refresh answer without a refresh token keeps the stored one', async () => {
    const user = await expiredUser();
    const before = await stored(user.credentialId);
    provider.set({ tokenMode: 'no-refresh-token' });
    const res = await rawRequest(server.url, 'GET', proxy('/echo/x'), {
      authorization: `Bearer ${user.token}`,
    });
    expect(res.status).toBe(200);
    const after = await stored(user.credentialId);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).toBe(before.refreshToken);
  });
});

describe('refresh vs. key rotation', () => {
  test('the same token re-sealed (a key rotation) is not mistaken for a refresh by another process', async () => {
    const user = await expiredUser();
    const row = await findCredentialSecrets(server.db, user.credentialId);
    const stale = { sealed: row!.sealed, secrets: openCredentialSecrets(server.keyring, row!.sealed) };
    // What rotation does: the same secrets, sealed again (new IV, so new text).
    const resealed = sealCredentialSecrets(server.keyring, stale.secrets);
    expect(resealed.sealed).not.toBe(stale.sealed);
    await server.db
      .updateTable('credentialSecrets')
      .set(resealed)
      .where('credentialId', '=', user.credentialId)
      .execute();

    const tokens = newRefresher();
    const integrationRow = await server.db
      .selectFrom('integrations')
      .selectAll()
      .where('id', '=', await project.integrationId('fakeoauth'))
      .executeTakeFirstOrThrow();
    const grants = refreshGrants().length;
    const fresh = await tokens.refresh(
      {
        credential: await credentialRow(user.credentialId),
        definition: server.definitionOf('fakeoauth')!,
        integration: integrationRow,
        origin: server.url,
      },
      stale,
    );
    expect(refreshGrants().length).toBe(grants + 1);
    expect(fresh.secrets.kind === 'oauth2' && fresh.secrets.accessToken).not.toBe(
      stale.secrets.kind === 'oauth2' && stale.secrets.accessToken,
    );
  });
});

describe('401 from the provider', () => {
  test('refreshes once and retries once', async () => {
    const user = await connectViaOAuth(server, project, `user-${++users}`);
    const grants = refreshGrants().length;
    const echoes = provider.log.echo.length;
    // The provider stops accepting every token issued so far (as after a revocation or a clock skew).
    provider.set({ acceptFrom: Number((await stored(user.credentialId)).accessToken.split('-')[1]) + 1 });
    const res = await rawRequest(server.url, 'GET', proxy('/echo/auth/me'), {
      authorization: `Bearer ${user.token}`,
    });
    expect(res.status).toBe(200);
    expect(refreshGrants().length).toBe(grants + 1);
    expect(provider.log.echo.length - echoes).toBe(2);
  });

  test('a second 401 goes back to the caller: one refresh, two upstream calls, no loop', async () => {
    const user = await connectViaOAuth(server, project, `user-${++users}`);
    const grants = refreshGrants().length;
    const echoes = provider.log.echo.length;
    const res = await rawRequest(server.url, 'GET', proxy('/echo/status/401'), {
      authorization: `Bearer ${user.token}`,
    });
    expect(res.status).toBe(401);
    expect(json(res.body)).toEqual({ output: { error: 'upstream 401' } });
    expect(refreshGrants().length).toBe(grants + 1);
    expect(provider.log.echo.length - echoes).toBe(2);
  });
});

describe('failed refreshes', () => {
  test('invalid_grant marks the credential INVALID, counts it, records a credential.failure event', async () => {
    const user = await expiredUser();
    provider.set({ tokenMode: 'invalid-grant' });
    const grants = refreshGrants().length;
    const res = await rawRequest(server.url, 'GET', proxy('/echo/x'), {
      authorization: `Bearer ${user.token}`,
    });
    expect(res.status).toBe(401);
    expect(json(res.body)).toMatchObject({
      code: 'CREDENTIAL_INVALID',
      message: expect.stringMatching(/must reconnect Fake OAuth/),
    });
    expect(refreshGrants().length).toBe(grants + 1); // a revoked grant is not retried

    const row = await credentialRow(user.credentialId);
    expect(row.status).toBe('INVALID');
    expect(row.refreshFailureCount).toBe(1);
    expect(row.refreshLeaseOwner).toBeNull();

    // Visible to the SDK (getUser() reads /sdk/me).
    const me = await call(server, 'GET', `/projects/${project.projectId}/sdk/me`, { token: user.token });
    expect(me.body.integrations.fakeoauth.credentialStatus).toBe('INVALID');
    expect(me.body.integrations.fakeoauth.allCredentials[0]).toMatchObject({
      status: 'INVALID',
      refreshFailureCount: 1,
    });

    const events = await listMonitoringEvents(server.db, project.projectId, {
      kind: 'credential.failure',
      limit: 10,
    });
    const event = events.find((e) => e.credentialId === user.credentialId);
    expect(event).toMatchObject({ integrationType: 'fakeoauth', payload: { reason: 'refresh_revoked' } });
    expect(JSON.stringify(event)).not.toMatch(/refresh-\d|access-\d/);

    // The project reads it over the admin API with its API key; another project cannot.
    const listed = await call(
      server,
      'GET',
      `/admin/projects/${project.projectId}/events?kind=credential.failure`,
      {
        token: project.apiKey as string,
      },
    );
    expect(listed.status).toBe(200);
    expect(listed.body).toContainEqual(
      expect.objectContaining({
        kind: 'credential.failure',
        credentialId: user.credentialId,
        connectedUserId: expect.any(String),
        payload: expect.objectContaining({ reason: 'refresh_revoked', refreshFailureCount: 1 }),
      }),
    );
    const other = await server.createProject('Other');
    const foreign = await call(server, 'GET', `/admin/projects/${project.projectId}/events`, {
      token: other.apiKey as string,
    });
    expect(foreign.status).toBe(404);
    const bad = await call(server, 'GET', `/admin/projects/${project.projectId}/events?limit=0`, {
      token: project.apiKey as string,
    });
    expect(bad.status).toBe(400);

    // Later calls fail fast, without asking the provider again.
    const again = await rawRequest(server.url, 'GET', proxy('/echo/x'), {
      authorization: `Bearer ${user.token}`,
    });
    expect(again.status).toBe(401);
    expect(refreshGrants().length).toBe(grants + 1);
  });

  test('a transient failure is retried with back-off, then answers 502 and leaves the credential VALID', async () => {
    const user = await expiredUser();
    provider.set({ tokenMode: 'server-error' });
    const grants = refreshGrants().length;
    const res = await rawRequest(server.url, 'GET', proxy('/echo/x'), {
      authorization: `Bearer ${user.token}`,
    });
    expect(res.status).toBe(502);
    expect(json(res.body)).toMatchObject({
      code: 'CREDENTIAL_REFRESH_FAILED',
      message: expect.stringMatching(/after 3 attempts/),
    });
    expect(refreshGrants().length).toBe(grants + 3);
    const row = await credentialRow(user.credentialId);
    expect(row).toMatchObject({ status: 'VALID', refreshFailureCount: 1, refreshLeaseOwner: null });

    // The provider recovers: the next call refreshes and succeeds; the count resets.
    provider.set({ tokenMode: 'ok' });
    const ok = await rawRequest(server.url, 'GET', proxy('/echo/x'), {
      authorization: `Bearer ${user.token}`,
    });
    expect(ok.status).toBe(200);
    expect((await credentialRow(user.credentialId)).refreshFailureCount).toBe(0);
  });
});

describe('background sweep', () => {
  test('refreshes credentials that expire within the look-ahead, and only those', async () => {
    const soon = await connectViaOAuth(server, project, `user-${++users}`);
    const later = await connectViaOAuth(server, project, `user-${++users}`);
    await setExpiry(soon.credentialId, new Date(Date.now() + 120_000));
    const soonBefore = await stored(soon.credentialId);
    const laterBefore = await stored(later.credentialId);
    const tokens = newRefresher();
    const sweep = () =>
      runRefreshSweep({
        db: server.db,
        tokens,
        definitionOf: server.definitionOf,
        logger: pino({ level: 'silent' }),
        origin: server.url,
        lookaheadMs: 5 * 60_000,
      });
    const result = await sweep();
    expect(result.refreshed).toBeGreaterThanOrEqual(1);
    expect((await stored(soon.credentialId)).accessToken).not.toBe(soonBefore.accessToken);
    expect((await stored(later.credentialId)).accessToken).toBe(laterBefore.accessToken);
    // Nothing is due any more.
    const again = await sweep();
    expect(again.due).toBe(0);
  });
});

describe('rate limits and upstream errors', () => {
  let user: { token: string };
  beforeAll(async () => {
    user = await connectViaOAuth(server, project, `user-${++users}`);
  });
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    rawRequest(server.url, method, proxy(path), { authorization: `Bearer ${user.token}`, ...headers });

  test('503 then success: a GET is retried and succeeds', async () => {
    const res = await get('/echo/flaky/a/2');
    expect(res.status).toBe(200);
    expect(json(res.body).output).toEqual({ ok: true, attempt: 3 });
    expect(res.headers['x-switchboard-retries']).toBe('2');
  });

  test('429 with Retry-After (seconds) is honoured', async () => {
    const started = Date.now();
    const res = await get('/echo/flaky/b/1?status=429&retryAfter=1');
    expect(res.status).toBe(200);
    expect(json(res.body).output.attempt).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  test("the catalog entry's reset header is honoured like Retry-After", async () => {
    const started = Date.now();
    const res = await get('/echo/flaky/reset/1?status=429&reset=1');
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    const tooLong = await get('/echo/flaky/reset-long/1?status=429&reset=3600');
    expect(tooLong.status).toBe(429);
    expect(tooLong.headers['x-fake-ratelimit-reset']).toBe('3600');
  });

  test('a Retry-After beyond the bound is not waited out: the 429 and its headers go back', async () => {
    const res = await get('/echo/flaky/c/1?status=429&retryAfter=120');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('120');
    expect(res.headers['x-switchboard-retries']).toBeUndefined();
  });

  test('the retry budget is bounded: 3 retries, then the upstream answer', async () => {
    const res = await get('/echo/flaky/d/10');
    expect(res.status).toBe(503);
    expect(json(res.body).output.attempt).toBe(4);
  });

  test('POST is not retried unless the caller opts in', async () => {
    const once = await get('/echo/flaky/e/1', {}, 'POST');
    expect(once.status).toBe(503);
    const optedIn = await get('/echo/flaky/f/1', { 'x-switchboard-retry': '1' }, 'POST');
    expect(optedIn.status).toBe(200);
    expect(json(optedIn.body).output.attempt).toBe(2);
  });

  test('X-Switchboard-Retry: 0 turns retries off; 4xx and 501 are never retried', async () => {
    expect((await get('/echo/flaky/g/1', { 'x-switchboard-retry': '0' })).status).toBe(503);
    expect((await get('/echo/flaky/h/1?status=501')).status).toBe(501);
    expect((await get('/echo/flaky/i/1?status=404')).status).toBe(404);
    expect((await get('/echo/flaky/i/1')).status).toBe(200); // the key's second call: it was called once
  });
});

describe('background sweep in a running server', () => {
  test('the server started with a sweep interval refreshes a credential that expires soon, unasked', async () => {
    const swept = await startTestServer({ extraDefinitions: provider.definitions, refreshSweepMs: 100 });
    try {
      const sweptProject = await swept.createProject('Sweep');
      await sweptProject.enable('fakeoauth');
      // Connected with tokens that live 2 minutes: inside the sweep's 5-minute look-ahead, so the sweep
      // refreshes them (again and again: each new token lives 2 minutes too).
      provider.set({ expiresIn: 120 });
      const user = await connectViaOAuth(swept, sweptProject, 'idle-user');
      const issuedAtConnect = provider.log.token.length;
      const refreshedAt = async () =>
        (
          await swept.db
            .selectFrom('credentials')
            .select('dateRefreshed')
            .where('id', '=', user.credentialId)
            .executeTakeFirstOrThrow()
        ).dateRefreshed;
      const deadline = Date.now() + 10_000;
      while (!(await refreshedAt()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await refreshedAt()).not.toBeNull();
      const grants = provider.log.token.slice(issuedAtConnect).map((t) => t.form.get('grant_type'));
      expect(grants.length).toBeGreaterThan(0);
      expect(new Set(grants)).toEqual(new Set(['refresh_token']));
    } finally {
      await swept.close();
    }
  });
});
