import { createServer } from 'node:net';
import { refreshTokenSet } from '@switchboard/vault';
import {
  authorizeInBrowser,
  type OidcProvider,
  oidcClientSecret,
  oidcPeerDefinition,
  startOidcProvider,
} from '@switchboard/vault/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openCredentialSecrets } from '../connect/credentialSecrets';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';

/*
 * The whole server-side OAuth flow — build-oauth, the provider's login and consent, our callback,
 * the code exchange with PKCE, disconnect with RFC 7009 revocation — against oidc-provider, an
 * independent certified OAuth 2.0 server with PKCE required and rotating refresh tokens. It shows the
 * flow follows the standard, not just our own sandbox.
 */

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

let oidc: OidcProvider;
let server: TestServer;
let project: TestProject;

beforeAll(async () => {
  const port = await freePort();
  const callback = `http://127.0.0.1:${port}/oauth/callback`;
  oidc = await startOidcProvider({ redirectUris: [callback] });
  const definition = oidcPeerDefinition({
    clientAuthentication: 'basic',
    origin: oidc.origin,
    scopes: ['openid', 'offline_access', 'contacts.read'],
  });
  server = await startTestServer({ extraDefinitions: [definition], port });
  project = await server.createProject('Conformance');
  const enabled = await call(server, 'POST', `/admin/projects/${project.projectId}/integrations`, {
    token: project.apiKey,
    body: { type: 'oidcpeer', clientId: 'basic-client', clientSecret: oidcClientSecret },
  });
  expect(enabled.status).toBe(200);
}, 60_000);
afterAll(async () => {
  await server?.close();
  await oidc?.close();
});

describe('OAuth install against oidc-provider', () => {
  test('connect, then disconnect revokes the grant at the provider', async () => {
    const token = await project.token('conformance-user');
    const integrationId = await project.integrationId('oidcpeer');
    const nonce = await fetch(
      `${server.url}/projects/${project.projectId}/sdk/actions/oauth-nonce?integrationId=${integrationId}&originForPostMessage=http://app.test&userToken=${token}`,
    );
    const cookie = nonce.headers.get('set-cookie')!.split(';')[0]!;
    const built = await call(
      server,
      'GET',
      `/v2/projects/${project.projectId}/sdk/actions/build-oauth?integrationId=${integrationId}&oauthMetaKeyId=conf1&originForPostMessage=http://app.test`,
      { token },
    );
    expect(built.status).toBe(200);
    expect(new URL(built.body.redirectUrl).searchParams.get('code_challenge_method')).toBe('S256');

    const callbackUrl = await authorizeInBrowser(built.body.redirectUrl, `${server.url}/oauth/callback`);
    const callback = await fetch(callbackUrl, { headers: { cookie } });
    expect(callback.status).toBe(200);
    const session = await call(server, 'GET', `/projects/${project.projectId}/sdk/actions/session-id/conf1`, {
      token,
    });
    const credentialId = session.body.connectCredentialId as string;
    const credential = await call(
      server,
      'GET',
      `/projects/${project.projectId}/sdk/credentials/${credentialId}`,
      { token },
    );
    expect(credential.body).toMatchObject({ status: 'VALID', providerId: 'user-1' });

    // The stored grant is real: the provider accepts its access token…
    const row = await server.db
      .selectFrom('credentialSecrets')
      .select('sealed')
      .where('credentialId', '=', credentialId)
      .executeTakeFirstOrThrow();
    const secrets = openCredentialSecrets(server.keyring, row.sealed);
    if (secrets.kind !== 'oauth2' || !secrets.refreshToken)
      throw new Error('expected OAuth tokens with a refresh token');
    const userinfo = () =>
      fetch(`${oidc.origin}/me`, { headers: { authorization: `Bearer ${secrets.accessToken}` } });
    expect((await userinfo()).status).toBe(200);

    // …until the user disconnects: revocation ends the grant at the provider.
    const deleted = await call(
      server,
      'DELETE',
      `/projects/${project.projectId}/sdk/integrations/${integrationId}`,
      { token },
    );
    expect(deleted.status).toBe(200);
    expect((await userinfo()).status).toBe(401);
    const stale = await refreshTokenSet({
      definition: server.definitionOf('oidcpeer')!,
      clientId: 'basic-client',
      clientSecret: oidcClientSecret,
      refreshToken: secrets.refreshToken,
      templateValues: {},
      fetch,
    }).catch((error: unknown) => error);
    expect(stale).toMatchObject({ code: 'OAUTH_PROVIDER_ERROR' });
  });
});
