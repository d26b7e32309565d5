import { findCredentialSecrets } from '@switchboard/db';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openCredentialSecrets, sealCredentialSecrets } from '../connect/credentialSecrets';
import { connectViaOAuth, rawRequest, sandboxConsent } from '../testing/connectViaOAuth';
import { startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';

// The proxy against the built-in sandbox provider (development mode): a real authorization server
// with expiring access tokens and rotating refresh tokens, where reusing a refresh token ends the
// whole grant — so a refresh that was not single-flight would show as a revoked credential.
let server: TestServer;
let project: TestProject;

beforeAll(async () => {
  server = await startTestServer({ development: true });
  project = await server.createProject('Sandbox proxy');
  await project.enable('sandbox');
});
afterAll(() => server?.close());

const proxy = (rest: string) => `/projects/${project.projectId}/sdk/proxy/sandbox${rest}`;
const json = (b: Buffer) => JSON.parse(b.toString('utf8'));

async function expireAccessToken(credentialId: string) {
  const row = await findCredentialSecrets(server.db, credentialId);
  const secrets = openCredentialSecrets(server.keyring, row!.sealed);
  const sealed = sealCredentialSecrets(server.keyring, {
    ...secrets,
    expiresAt: new Date(Date.now() - 1_000).toISOString(),
  } as typeof secrets);
  await server.db
    .updateTable('credentialSecrets')
    .set(sealed)
    .where('credentialId', '=', credentialId)
    .execute();
}

const refreshTokensIssued = async () =>
  Number(
    (
      await server.db
        .selectFrom('sandboxTokens')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('kind', '=', 'refresh')
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('proxy → sandbox provider', () => {
  test('create and list contacts as the connected account', async () => {
    const user = await connectViaOAuth(server, project, 'sandbox-user', 'sandbox', {
      consent: sandboxConsent('Acme Sales'),
    });
    const auth = { authorization: `Bearer ${user.token}` };
    const created = await rawRequest(
      server.url,
      'POST',
      proxy('/contacts'),
      { ...auth, 'content-type': 'auto' },
      JSON.stringify({ name: 'Ada Lovelace', email: 'ada@example.com' }),
    );
    expect(created.status).toBe(201);
    expect(json(created.body).output).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    const listed = await rawRequest(server.url, 'GET', proxy('/contacts'), auth);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(json(listed.body).output)).toContain('ada@example.com');
  });

  test('50 concurrent calls with an expired token: one refresh, the rotating grant survives', async () => {
    const user = await connectViaOAuth(server, project, 'sandbox-concurrent', 'sandbox', {
      consent: sandboxConsent('Concurrent Co'),
    });
    await expireAccessToken(user.credentialId);
    const before = await refreshTokensIssued();
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        rawRequest(server.url, 'GET', proxy('/contacts'), { authorization: `Bearer ${user.token}` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(await refreshTokensIssued()).toBe(before + 1);
    // Still usable afterwards: the grant was not revoked by a reused refresh token.
    const later = await rawRequest(server.url, 'GET', proxy('/contacts'), {
      authorization: `Bearer ${user.token}`,
    });
    expect(later.status).toBe(200);
  });

  test('a grant revoked at the sandbox turns the credential INVALID at the next refresh', async () => {
    const user = await connectViaOAuth(server, project, 'sandbox-revoked', 'sandbox', {
      consent: sandboxConsent('Revoked Ltd'),
    });
    const row = await findCredentialSecrets(server.db, user.credentialId);
    const secrets = openCredentialSecrets(server.keyring, row!.sealed);
    if (secrets.kind !== 'oauth2' || !secrets.refreshToken) throw new Error('expected OAuth tokens');
    const revoked = await fetch(`${server.url}/sandbox/oauth/revoke`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('switchboard-sandbox:sandbox-secret').toString('base64')}`,
      },
      body: new URLSearchParams({ token: secrets.refreshToken, token_type_hint: 'refresh_token' }).toString(),
    });
    expect(revoked.status).toBe(200);
    const res = await rawRequest(server.url, 'GET', proxy('/contacts'), {
      authorization: `Bearer ${user.token}`,
    });
    expect(res.status).toBe(401);
    expect(json(res.body).code).toBe('CREDENTIAL_INVALID');
    const credential = await server.db
      .selectFrom('credentials')
      .select(['status', 'refreshFailureCount'])
      .where('id', '=', user.credentialId)
      .executeTakeFirstOrThrow();
    expect(credential).toEqual({ status: 'INVALID', refreshFailureCount: 1 });
  });
});
