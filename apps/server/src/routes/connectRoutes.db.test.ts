import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startFakeProvider } from '../testing/fakeProvider';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';

let provider: Awaited<ReturnType<typeof startFakeProvider>>;
let server: TestServer;
let project: TestProject;
let oauthId: string;
let keyId: string;
const APP_ORIGIN = 'http://app.example.test';

beforeAll(async () => {
  provider = await startFakeProvider();
  server = await startTestServer({ extraDefinitions: provider.definitions });
  project = await server.createProject('Connect');
  await project.enable('fakeoauth', 'fakekey', 'hubspot');
  oauthId = await project.integrationId('fakeoauth');
  keyId = await project.integrationId('fakekey');
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
});
beforeEach(() => provider.set({ consent: 'approve', tokenMode: 'ok' }));

const sdk = (rest: string) => `/projects/${project.projectId}/sdk${rest}`;
let metaCounter = 0;

/** The popup flow as the official client drives it: nonce page, build-oauth, provider, callback. */
async function startOAuth(
  sub: string,
  options: { installOptions?: object; integrationId?: string; inputs?: Record<string, string> } = {},
) {
  const token = await project.token(sub);
  const integrationId = options.integrationId ?? oauthId;
  const oauthMetaKeyId = `meta${++metaCounter}`;
  const nonce = await fetch(
    `${server.url}${sdk('/actions/oauth-nonce')}?action=fakeoauth&integrationId=${integrationId}&originForPostMessage=${APP_ORIGIN}&userToken=${token}`,
  );
  const cookie = nonce.headers.get('set-cookie')?.split(';')[0];
  const query = new URLSearchParams({
    action: 'fakeoauth',
    integrationId,
    oauthMetaKeyId,
    originForPostMessage: APP_ORIGIN,
    endUserSuppliedValues: JSON.stringify(options.inputs ?? {}),
    installOptions: JSON.stringify(options.installOptions ?? {}),
  });
  const built = await call(
    server,
    'GET',
    `/v2/projects/${project.projectId}/sdk/actions/build-oauth?${query}`,
    { token },
  );
  return { token, oauthMetaKeyId, cookie, nonce, built };
}

async function finishOAuth(flow: Awaited<ReturnType<typeof startOAuth>>, cookie = flow.cookie) {
  const atProvider = await fetch(flow.built.body.redirectUrl, { redirect: 'manual' });
  const callbackUrl = atProvider.headers.get('location') as string;
  const callback = await fetch(callbackUrl, { headers: cookie ? { cookie } : {} });
  const session = await call(server, 'GET', sdk(`/actions/session-id/${flow.oauthMetaKeyId}`), {
    token: flow.token,
  });
  return { callbackUrl, callback, html: await callback.text(), session: session.body };
}

async function credentialsOf(token: string) {
  return (await call(server, 'GET', sdk('/me'), { token })).body.integrations.fakeoauth
    .allCredentials as Array<{
    id: string;
    status: string;
    providerId: string;
    providerData: Record<string, string>;
  }>;
}

describe('OAuth install (popup flow of the official client)', () => {
  test('nonce page → build-oauth → provider → callback creates a VALID credential with sealed tokens', async () => {
    const flow = await startOAuth('oauth-user');
    expect(flow.nonce.status).toBe(200);
    expect(await flow.nonce.text()).toContain("type: 'oauth-nonce-loaded'");
    expect(flow.nonce.headers.get('cross-origin-opener-policy')).toBeNull();
    expect(flow.cookie).toMatch(/^sb_oauth_nonce=/);
    expect(flow.built.status).toBe(200);
    const pending = await call(server, 'GET', sdk(`/actions/session-id/${flow.oauthMetaKeyId}`), {
      token: flow.token,
    });
    expect(pending.body).toEqual({});

    const { callback, html, session } = await finishOAuth(flow);
    expect(callback.status).toBe(200);
    expect(session.connectCredentialId).toMatch(/^[0-9a-f-]{36}$/);
    expect(html).toContain('switchboard:oauth-result');
    expect(html).toContain(JSON.stringify(APP_ORIGIN));
    expect(callback.headers.get('content-security-policy')).toMatch(/script-src 'nonce-/);

    // What the provider saw: exact redirect URI, PKCE S256, client authentication by HTTP Basic.
    const authorize = provider.log.authorize.at(-1)!;
    expect(authorize.get('redirect_uri')).toBe(`${server.url}/oauth/callback`);
    expect(authorize.get('code_challenge_method')).toBe('S256');
    expect(authorize.get('scope')).toBe('read write');
    const exchange = provider.log.token.at(-1)!;
    expect(exchange.form.get('grant_type')).toBe('authorization_code');
    expect(exchange.form.get('redirect_uri')).toBe(`${server.url}/oauth/callback`);
    const verifier = exchange.form.get('code_verifier')!;
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(authorize.get('code_challenge'));
    expect(exchange.authorization).toMatch(/^Basic /);

    const [credential] = await credentialsOf(flow.token);
    expect(credential).toMatchObject({
      id: session.connectCredentialId,
      status: 'VALID',
      providerId: 'acct-42',
      providerData: { email: 'owner@example.com' },
    });
    const stored = await server.db
      .selectFrom('credentialSecrets')
      .selectAll()
      .where('credentialId', '=', credential!.id)
      .executeTakeFirstOrThrow();
    expect(stored.sealed).toMatch(/^sb1\./);
    expect(stored.sealed).not.toContain('access-');
    expect(JSON.parse(server.keyring.open(stored.sealed))).toMatchObject({
      kind: 'oauth2',
      refreshToken: expect.stringMatching(/^refresh-/),
    });
    const sessionRow = await server.db
      .selectFrom('oauthSessions')
      .selectAll()
      .where('oauthMetaKeyId', '=', flow.oauthMetaKeyId)
      .executeTakeFirstOrThrow();
    expect(sessionRow.codeVerifierSealed).toBeNull();
    expect(JSON.stringify(sessionRow)).not.toContain(verifier);

    const cleanup = await call(server, 'DELETE', sdk(`/actions/session-id/${flow.oauthMetaKeyId}`), {
      token: flow.token,
    });
    expect(cleanup.status).toBe(200);
  });

  test('a state can be used once', async () => {
    const flow = await startOAuth('reuse-user');
    const first = await finishOAuth(flow);
    expect(first.callback.status).toBe(200);
    const again = await fetch(first.callbackUrl, { headers: { cookie: flow.cookie! } });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('already used');
    expect(await credentialsOf(flow.token)).toHaveLength(1);
  });

  test('an expired or unknown state is refused and leaves no credential', async () => {
    const flow = await startOAuth('expired-user');
    await server.db
      .updateTable('oauthSessions')
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where('oauthMetaKeyId', '=', flow.oauthMetaKeyId)
      .execute();
    const expired = await finishOAuth(flow);
    expect(expired.callback.status).toBe(400);
    expect(expired.html).toContain('expired');
    expect(expired.session.error.code).toBe('OAUTH_STATE_INVALID');
    expect(await credentialsOf(flow.token)).toEqual([]);

    const unknown = await fetch(`${server.url}/oauth/callback?code=x&state=not-a-real-state`);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('not valid');
  });

  test("a callback in a browser without the nonce cookie (or another user's) is refused", async () => {
    const victim = await startOAuth('csrf-victim');
    const attacker = await startOAuth('csrf-attacker');
    const noCookie = await finishOAuth(victim, ''); // '' = no cookie header
    expect(noCookie.callback.status).toBe(400);
    expect(noCookie.session.error.code).toBe('OAUTH_STATE_INVALID');
    const other = await startOAuth('csrf-victim');
    const wrongCookie = await finishOAuth(other, attacker.cookie);
    expect(wrongCookie.callback.status).toBe(400);
    expect(await credentialsOf(victim.token)).toEqual([]);
  });

  test('denied consent ends with a clear error and no credential', async () => {
    provider.set({ consent: 'deny' });
    const flow = await startOAuth('denying-user');
    const result = await finishOAuth(flow);
    expect(result.callback.status).toBe(400);
    expect(result.session.error).toMatchObject({ code: 'OAUTH_CONSENT_DENIED' });
    expect(result.html).toContain('Access was not granted');
    expect(await credentialsOf(flow.token)).toEqual([]);
  });

  test.each([
    ['html', 'OAUTH_BAD_RESPONSE'],
    ['server-error', 'OAUTH_BAD_RESPONSE'],
    ['no-access-token', 'OAUTH_BAD_RESPONSE'],
    ['invalid-grant', 'OAUTH_PROVIDER_ERROR'],
  ] as const)('a token endpoint answering %s fails with %s and leaves no credential', async (mode, code) => {
    provider.set({ tokenMode: mode });
    const flow = await startOAuth(`token-${mode}`);
    const result = await finishOAuth(flow);
    expect(result.callback.status).toBe(502);
    expect(result.session.error.code).toBe(code);
    expect(result.session.error.message).not.toMatch(/code-\d|access-|refresh-/);
    expect(await credentialsOf(flow.token)).toEqual([]);
  });

  test('a second install needs allowMultipleCredentials; selectedCredentialId reconnects in place', async () => {
    const first = await finishOAuth(await startOAuth('multi-user'));
    const refused = await startOAuth('multi-user');
    expect(refused.built.status).toBe(409);
    expect(refused.built.body.code).toBe('INTEGRATION_ALREADY_INSTALLED');

    const second = await finishOAuth(
      await startOAuth('multi-user', { installOptions: { allowMultipleCredentials: true } }),
    );
    expect(second.session.connectCredentialId).not.toBe(first.session.connectCredentialId);
    const token = await project.token('multi-user');
    expect(await credentialsOf(token)).toHaveLength(2);

    const before = await server.db
      .selectFrom('credentialSecrets')
      .select('sealed')
      .where('credentialId', '=', first.session.connectCredentialId)
      .executeTakeFirstOrThrow();
    const again = await finishOAuth(
      await startOAuth('multi-user', {
        installOptions: { selectedCredentialId: first.session.connectCredentialId },
      }),
    );
    expect(again.session.connectCredentialId).toBe(first.session.connectCredentialId);
    expect(await credentialsOf(token)).toHaveLength(2);
    const after = await server.db
      .selectFrom('credentialSecrets')
      .select('sealed')
      .where('credentialId', '=', first.session.connectCredentialId)
      .executeTakeFirstOrThrow();
    expect(after.sealed).not.toBe(before.sealed);
  });

  test('an integration without an OAuth client, or one that uses API keys, cannot start OAuth', async () => {
    const hubspot = await startOAuth('no-client', { integrationId: await project.integrationId('hubspot') });
    expect(hubspot.built.status).toBe(400);
    expect(hubspot.built.body.code).toBe('INTEGRATION_NOT_CONFIGURED');
    expect(hubspot.built.body.message).toContain('--client-id');
    const apiKey = await startOAuth('no-client', { integrationId: keyId });
    expect(apiKey.built.status).toBe(400);
    expect(apiKey.built.body.message).toContain('API key');
  });

  test("accountType sends the user to that account type's authorization URL; an unknown one is refused", async () => {
    await call(server, 'POST', `/admin/projects/${project.projectId}/integrations`, {
      token: project.apiKey,
      body: { type: 'salesforce', clientId: 'sf-client', clientSecret: 'sf-secret' },
    });
    const salesforce = await project.integrationId('salesforce');
    const sandbox = await startOAuth('sf-user', {
      integrationId: salesforce,
      installOptions: { accountType: 'sandbox' },
    });
    expect(new URL(sandbox.built.body.redirectUrl).host).toBe('test.salesforce.com');
    const production = await startOAuth('sf-user', {
      integrationId: salesforce,
      installOptions: { accountType: 'default' },
    });
    expect(new URL(production.built.body.redirectUrl).host).toBe('login.salesforce.com');
    const unknown = await startOAuth('sf-user', {
      integrationId: salesforce,
      installOptions: { accountType: 'moon' },
    });
    expect(unknown.built.status).toBe(400);
    expect(unknown.built.body.message).toContain('no account type "moon"');
  });

  test('pre-OAuth inputs (a Shopify shop) shape the authorization URL; missing or hostile values are refused', async () => {
    await call(server, 'POST', `/admin/projects/${project.projectId}/integrations`, {
      token: project.apiKey,
      body: { type: 'shopify', clientId: 'shop-client', clientSecret: 'shop-secret' },
    });
    const shopify = await project.integrationId('shopify');
    const ok = await startOAuth('shop-user', { integrationId: shopify, inputs: { shop: 'acme-store' } });
    expect(ok.built.status).toBe(200);
    expect(new URL(ok.built.body.redirectUrl).host).toBe('acme-store.myshopify.com');
    const missing = await startOAuth('shop-user', { integrationId: shopify });
    expect(missing.built.status).toBe(400);
    expect(missing.built.body.code).toBe('INSTALL_INPUT_INVALID');
    const hostile = await startOAuth('shop-user', {
      integrationId: shopify,
      inputs: { shop: 'evil.com/x?' },
    });
    expect(hostile.built.status).toBe(400);
    expect(hostile.built.body.code).toBe('INSTALL_INPUT_INVALID');
  });

  test('session-id of another user shows nothing', async () => {
    const flow = await startOAuth('poll-owner');
    await finishOAuth(flow);
    const other = await call(server, 'GET', sdk(`/actions/session-id/${flow.oauthMetaKeyId}`), {
      token: await project.token('poll-other'),
    });
    expect(other.body).toEqual({});
  });

  test('disconnecting revokes the grant at the provider, then deletes the credential', async () => {
    const flow = await startOAuth('revoking-user');
    const { session } = await finishOAuth(flow);
    const sealed = await server.db
      .selectFrom('credentialSecrets')
      .select('sealed')
      .where('credentialId', '=', session.connectCredentialId)
      .executeTakeFirstOrThrow();
    const { refreshToken } = JSON.parse(server.keyring.open(sealed.sealed));
    const revokedBefore = provider.log.revoke.length;
    const deleted = await call(server, 'DELETE', sdk(`/integrations/${oauthId}`), {
      token: flow.token,
      headers: { 'x-paragon-credential': session.connectCredentialId },
    });
    expect(deleted.status).toBe(200);
    expect(provider.log.revoke.length).toBe(revokedBefore + 1);
    expect(provider.log.revoke.at(-1)!.get('token')).toBe(refreshToken);
    expect(await credentialsOf(flow.token)).toEqual([]);
    const secrets = await server.db
      .selectFrom('credentialSecrets')
      .selectAll()
      .where('credentialId', '=', session.connectCredentialId)
      .execute();
    expect(secrets).toEqual([]);
  });
});

describe('API-key install (POST /sdk/credentials)', () => {
  const install = async (sub: string, payload: Record<string, string>) =>
    call(server, 'POST', sdk('/credentials'), {
      token: await project.token(sub),
      body: { integrationId: keyId, payload },
    });

  test('a key the provider accepts becomes a VALID credential, sealed', async () => {
    const response = await install('key-user', { apiKey: 'good-key', region: 'eu' });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      status: 'VALID',
      providerId: 'key-account-7',
      integrationId: keyId,
    });
    expect(provider.log.verify.at(-1)).toBe('good-key');
    const stored = await server.db
      .selectFrom('credentialSecrets')
      .selectAll()
      .where('credentialId', '=', response.body.id)
      .executeTakeFirstOrThrow();
    expect(stored.sealed).not.toContain('good-key');
    expect(JSON.stringify(response.body)).not.toContain('good-key');
  });

  test.each([
    ['a key the provider refuses', { apiKey: 'bad-key' }, 400, 'API_KEY_REJECTED'],
    ['a missing required field', { region: 'eu' }, 400, 'INSTALL_INPUT_INVALID'],
    [
      'a field that breaks its pattern',
      { apiKey: 'good-key', region: 'europe' },
      400,
      'INSTALL_INPUT_INVALID',
    ],
  ])('%s is refused and stores nothing', async (_name, payload, status, code) => {
    const sub = `key-refused-${code}-${Object.keys(payload).length}`;
    const response = await install(sub, payload as Record<string, string>);
    expect(response.status).toBe(status);
    expect(response.body.code).toBe(code);
    const me = await call(server, 'GET', sdk('/me'), { token: await project.token(sub) });
    expect(me.body.integrations.fakekey.allCredentials).toEqual([]);
  });
});
