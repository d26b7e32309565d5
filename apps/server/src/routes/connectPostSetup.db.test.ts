import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFakeProvider } from '../testing/fakeProvider';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';

let provider: Awaited<ReturnType<typeof startFakeProvider>>;
let server: TestServer;
let project: TestProject;
let postId: string;
const APP_ORIGIN = 'http://app.example.test';

beforeAll(async () => {
  provider = await startFakeProvider();
  server = await startTestServer({ extraDefinitions: provider.definitions });
  project = await server.createProject('Post setup');
  await project.enable('fakepost', 'fakeoauth');
  postId = await project.integrationId('fakepost');
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
});

const sdk = (rest: string) => `/projects/${project.projectId}/sdk${rest}`;
let metaCounter = 0;

/** The popup flow as the official client drives it, through to the session poll. */
async function connect(sub: string, installOptions: object = {}) {
  const token = await project.token(sub);
  const oauthMetaKeyId = `post${++metaCounter}`;
  const nonce = await fetch(
    `${server.url}${sdk('/actions/oauth-nonce')}?action=fakepost&integrationId=${postId}&originForPostMessage=${APP_ORIGIN}&userToken=${token}`,
  );
  const cookie = nonce.headers.get('set-cookie')?.split(';')[0] as string;
  const query = new URLSearchParams({
    action: 'fakepost',
    integrationId: postId,
    oauthMetaKeyId,
    originForPostMessage: APP_ORIGIN,
    endUserSuppliedValues: '{}',
    installOptions: JSON.stringify(installOptions),
  });
  const built = await call(
    server,
    'GET',
    `/v2/projects/${project.projectId}/sdk/actions/build-oauth?${query}`,
    { token },
  );
  expect(built.status).toBe(200);
  const atProvider = await fetch(built.body.redirectUrl, { redirect: 'manual' });
  const callback = await fetch(atProvider.headers.get('location') as string, { headers: { cookie } });
  expect(callback.status).toBe(200);
  const session = await call(server, 'GET', sdk(`/actions/session-id/${oauthMetaKeyId}`), { token });
  return { token, credentialId: session.body.connectCredentialId as string };
}

const completeSetup = (token: string, credentialId: string, payload: Record<string, unknown>) =>
  call(server, 'POST', sdk(`/credentials/${credentialId}/complete-setup`), {
    token,
    body: { integrationId: postId, config: {}, payload, installOptions: { allowMultipleCredentials: false } },
  });

const stored = (credentialId: string) =>
  server.db
    .selectFrom('credentials')
    .select(['status', 'inputs'])
    .where('id', '=', credentialId)
    .executeTakeFirstOrThrow();

describe('post-OAuth inputs (complete-setup)', () => {
  test('the integration lists its post-OAuth inputs; an entry without them lists none', async () => {
    const token = await project.token('post-lister');
    const integrations = (await call(server, 'GET', sdk('/integrations'), { token })).body as Array<{
      type: string;
      sdkIntegrationConfig: { postOauthInputs: unknown[] };
    }>;
    const byType = Object.fromEntries(integrations.map((i) => [i.type, i]));
    expect(byType.fakepost?.sdkIntegrationConfig.postOauthInputs).toEqual([
      {
        id: 'workspace',
        title: 'Workspace',
        type: 'TEXT',
        required: true,
        subtitle: 'Which workspace to sync',
      },
      { id: 'pipeline', title: 'Pipeline', type: 'TEXT', required: false, placeholder: 'default' },
    ]);
    expect(byType.fakeoauth?.sdkIntegrationConfig.postOauthInputs).toEqual([]);
  });

  test('OAuth → PENDING; invalid values change nothing; good values make it VALID; others get 404', async () => {
    const { token, credentialId } = await connect('post-user');
    expect(credentialId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await stored(credentialId)).status).toBe('PENDING');
    const me = await call(server, 'GET', sdk('/me'), { token });
    expect(me.body.integrations.fakepost.allCredentials[0]).toMatchObject({
      id: credentialId,
      status: 'PENDING',
    });

    const missing = await completeSetup(token, credentialId, { pipeline: 'deals' });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('INSTALL_INPUT_INVALID');
    expect(missing.body.message).toContain('workspace');
    const badPattern = await completeSetup(token, credentialId, { workspace: 'Not Valid!' });
    expect(badPattern.status).toBe(400);
    expect(badPattern.body.code).toBe('INSTALL_INPUT_INVALID');
    expect(badPattern.body.message).toContain('workspace');
    expect(await stored(credentialId)).toEqual({ status: 'PENDING', inputs: {} });

    const intruder = await project.token('post-intruder');
    const foreign = await completeSetup(intruder, credentialId, { workspace: 'team-x' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('CREDENTIAL_NOT_FOUND');
    const unknown = await completeSetup(token, '00000000-0000-4000-8000-000000000000', { workspace: 'a' });
    expect(unknown.status).toBe(404);
    expect((await stored(credentialId)).status).toBe('PENDING');

    const done = await completeSetup(token, credentialId, {
      workspace: 'team-a',
      pipeline: 'deals',
      skipPostOAuthInputs: false,
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: credentialId, status: 'VALID', integrationId: postId });
    expect(await stored(credentialId)).toEqual({
      status: 'VALID',
      inputs: { workspace: 'team-a', pipeline: 'deals' },
    });

    // Re-authenticating keeps the stored values, so the credential stays VALID.
    const again = await connect('post-user', { selectedCredentialId: credentialId });
    expect(again.credentialId).toBe(credentialId);
    expect(await stored(credentialId)).toEqual({
      status: 'VALID',
      inputs: { workspace: 'team-a', pipeline: 'deals' },
    });

    // Changing a value later merges it; an omitted optional value keeps the stored one.
    const changed = await completeSetup(token, credentialId, { workspace: 'team-b' });
    expect(changed.status).toBe(200);
    expect(await stored(credentialId)).toEqual({
      status: 'VALID',
      inputs: { workspace: 'team-b', pipeline: 'deals' },
    });
  });

  test('a PENDING credential does not block a new install, and re-authenticating it stays PENDING', async () => {
    const first = await connect('post-pending-user');
    expect((await stored(first.credentialId)).status).toBe('PENDING');
    const again = await connect('post-pending-user', { selectedCredentialId: first.credentialId });
    expect(again.credentialId).toBe(first.credentialId);
    expect((await stored(first.credentialId)).status).toBe('PENDING');
  });
});
