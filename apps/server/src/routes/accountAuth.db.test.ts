import { randomUUID } from 'node:crypto';
import { credentialSchema, integrationAccountSchema } from '@switchboard/contracts';
import { findCredentialSecrets } from '@switchboard/db';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { openCredentialSecrets } from '../connect/credentialSecrets';
import { connectViaOAuth } from '../testing/connectViaOAuth';
import { startFakeProvider } from '../testing/fakeProvider';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';

/*
 * `GET /sdk/credentials?integration=<type>&includeAccountAuth=true`: what every ExternalFilePicker's
 * init() calls (wire protocol 5.15, 10). Real HTTP, real OAuth connects against a local provider.
 */

let provider: Awaited<ReturnType<typeof startFakeProvider>>;
let server: TestServer;
let project: TestProject;
let users = 0;

const sdk = (rest: string) => `/projects/${project.projectId}/sdk${rest}`;
const accountAuthPath = (type = 'fakedrive') =>
  sdk(`/credentials?integration=${type}&includeAccountAuth=true`);
const refreshGrants = () => provider.log.token.filter((t) => t.form.get('grant_type') === 'refresh_token');

async function storedAccessToken(credentialId: string): Promise<string> {
  const row = await findCredentialSecrets(server.db, credentialId);
  const secrets = openCredentialSecrets(server.keyring, row!.sealed);
  if (secrets.kind !== 'oauth2') throw new Error('not an OAuth credential');
  return secrets.accessToken;
}

/** A new user connected to `type` through the OAuth flow; with `expiresIn` ≤ 60 s its token is due. */
async function connectedUser(options: { type?: string; expiresIn?: number } = {}) {
  provider.set({ expiresIn: options.expiresIn ?? 3600 });
  const user = await connectViaOAuth(server, project, `picker-user-${++users}`, options.type ?? 'fakedrive');
  provider.set({ expiresIn: 3600 });
  return { ...user, accessToken: await storedAccessToken(user.credentialId) };
}

beforeAll(async () => {
  provider = await startFakeProvider();
  server = await startTestServer({ extraDefinitions: provider.definitions });
  project = await server.createProject('Pickers');
  await project.enable('fakedrive', 'fakeoauth');
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
});
beforeEach(() => {
  provider.set({ tokenMode: 'ok', tokenDelayMs: 0, expiresIn: 3600 });
});

describe('includeAccountAuth=true for a file-storage integration', () => {
  test("answers the user's own current access token, the credential and the picker DOMAIN, not cacheable", async () => {
    const alice = await connectedUser();
    const bob = await connectedUser();
    const grants = refreshGrants().length;
    const res = await call(server, 'GET', accountAuthPath(), { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const account = integrationAccountSchema.parse(res.body);
    expect(account.id).toBe(alice.credentialId);
    expect(account.status).toBe('VALID');
    expect(account.providerData.driveWebUrl).toBe(
      'https://contoso-my.sharepoint.com/personal/owner_contoso_com/Documents',
    );
    expect(account.accountAuth).toEqual({
      OAUTH_ACCESS_TOKEN: alice.accessToken,
      DOMAIN: 'https://contoso-my.sharepoint.com',
    });
    expect(alice.accessToken).not.toBe(bob.accessToken);
    expect(refreshGrants().length).toBe(grants); // a valid token is not refreshed

    // Naming one's own credential works the same.
    const named = await call(server, 'GET', accountAuthPath(), {
      token: bob.token,
      headers: { 'x-paragon-credential': bob.credentialId },
    });
    expect(named.status).toBe(200);
    expect(named.body.accountAuth.OAUTH_ACCESS_TOKEN).toBe(bob.accessToken);
  });

  test('a token about to expire is refreshed first, and the fresh one is answered', async () => {
    const user = await connectedUser({ expiresIn: 5 });
    const grants = refreshGrants().length;
    const res = await call(server, 'GET', accountAuthPath(), { token: user.token });
    expect(res.status).toBe(200);
    expect(refreshGrants().length).toBe(grants + 1);
    const fresh = await storedAccessToken(user.credentialId);
    expect(fresh).not.toBe(user.accessToken);
    expect(res.body.accountAuth.OAUTH_ACCESS_TOKEN).toBe(fresh);
    // The stored row after the refresh: its new expiry and refresh date.
    expect(Date.parse(res.body.dateValidUntil)).toBeGreaterThan(Date.now() + 3_000_000);
    expect(res.body.dateRefreshed).not.toBeNull();
    // Fresh now: the next call makes no grant.
    await call(server, 'GET', accountAuthPath(), { token: user.token });
    expect(refreshGrants().length).toBe(grants + 1);
  });

  test('20 concurrent calls with an expiring token make exactly one refresh grant and all get its token', async () => {
    const user = await connectedUser({ expiresIn: 5 });
    provider.set({ tokenDelayMs: 150 });
    const grants = refreshGrants().length;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => call(server, 'GET', accountAuthPath(), { token: user.token })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(refreshGrants().length).toBe(grants + 1);
    const fresh = await storedAccessToken(user.credentialId);
    expect(new Set(results.map((r) => r.body.accountAuth.OAUTH_ACCESS_TOKEN))).toEqual(new Set([fresh]));
  });
});

describe('refusals: no token, never a 401/403', () => {
  test("another user's credential in X-Paragon-Credential is a 404", async () => {
    const owner = await connectedUser();
    const intruder = await connectedUser();
    for (const header of [owner.credentialId, randomUUID(), 'not-a-uuid']) {
      const res = await call(server, 'GET', accountAuthPath(), {
        token: intruder.token,
        headers: { 'x-paragon-credential': header },
      });
      expect(res.status, header).toBe(404);
      expect(res.body.code, header).toBe('CREDENTIAL_NOT_FOUND');
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(JSON.stringify(res.body)).not.toContain(owner.accessToken);
      expect(JSON.stringify(res.body)).not.toContain(intruder.accessToken);
      expect(res.body.accountAuth).toBeUndefined();
    }
  });

  test('an integration without a file picker is refused with a clear JSON error', async () => {
    const user = await connectedUser({ type: 'fakeoauth' });
    const res = await call(server, 'GET', accountAuthPath('fakeoauth'), { token: user.token });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      status: 400,
      message: expect.stringContaining(
        'fakeoauth is not a file-storage integration; accountAuth (the access token) is only given for file pickers',
      ),
    });
    expect(JSON.stringify(res.body)).not.toContain(user.accessToken);
  });

  test('no integration parameter is refused', async () => {
    const user = await connectedUser();
    const res = await call(server, 'GET', sdk('/credentials?includeAccountAuth=true'), { token: user.token });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('includeAccountAuth=true needs ?integration=<type>'),
    });
    expect(JSON.stringify(res.body)).not.toContain(user.accessToken);
  });

  test('an integration the project has not activated is a 404; not connected is a 404', async () => {
    const user = await connectedUser();
    const inactive = await call(server, 'GET', accountAuthPath('googledrive'), { token: user.token });
    expect(inactive.status).toBe(404);
    expect(inactive.body.code).toBe('INTEGRATION_NOT_FOUND');
    const stranger = await project.token(`never-connected-${++users}`);
    const notConnected = await call(server, 'GET', accountAuthPath(), { token: stranger });
    expect(notConnected.status).toBe(404);
    expect(notConnected.body.code).toBe('INTEGRATION_NOT_INSTALLED');
  });

  test('a revoked grant is a 409 telling the user to reconnect, and stays one', async () => {
    const user = await connectedUser({ expiresIn: 5 });
    provider.set({ tokenMode: 'invalid-grant' });
    const grants = refreshGrants().length;
    const res = await call(server, 'GET', accountAuthPath(), { token: user.token });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      code: 'CREDENTIAL_INVALID',
      status: 409,
      message: expect.stringMatching(/no longer valid .*must reconnect Fake Drive/),
    });
    expect(res.body.accountAuth).toBeUndefined();
    expect(refreshGrants().length).toBe(grants + 1);
    // The credential is INVALID now: asked again, the same answer without another grant.
    const again = await call(server, 'GET', accountAuthPath(), { token: user.token });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CREDENTIAL_INVALID');
    expect(refreshGrants().length).toBe(grants + 1);
    // The user is still signed in: /sdk/me answers and shows the credential INVALID.
    const me = await call(server, 'GET', sdk('/me'), { token: user.token });
    expect(me.status).toBe(200);
    expect(me.body.integrations.fakedrive.credentialStatus).toBe('INVALID');
  });
});

describe('without includeAccountAuth=true', () => {
  test('false, the literal "undefined" and absent answer the credential without a token, as before', async () => {
    const user = await connectedUser({ expiresIn: 5 });
    const grants = refreshGrants().length;
    for (const query of ['&includeAccountAuth=false', '&includeAccountAuth=undefined', '']) {
      const res = await call(server, 'GET', sdk(`/credentials?integration=fakedrive${query}`), {
        token: user.token,
      });
      expect(res.status, query).toBe(200);
      expect(res.body.accountAuth, query).toBeUndefined();
      expect(credentialSchema.parse(res.body).id).toBe(user.credentialId);
      expect(JSON.stringify(res.body)).not.toContain(user.accessToken);
      expect(res.headers.get('cache-control'), query).not.toBe('no-store');
    }
    expect(refreshGrants().length).toBe(grants); // nothing is refreshed for a request without the token
  });

  test('the access token appears in no other SDK response', async () => {
    const user = await connectedUser();
    const paths = [
      '/me',
      '/integrations',
      '/credentials',
      `/credentials/${user.credentialId}`,
      '/credentials?integration=fakedrive',
    ];
    for (const path of paths) {
      const res = await call(server, 'GET', sdk(path), { token: user.token });
      expect(res.status, path).toBe(200);
      expect(JSON.stringify(res.body), path).not.toContain(user.accessToken);
      expect(JSON.stringify(res.body), path).not.toContain('accountAuth');
    }
  });
});
