import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startFakeProvider } from '../testing/fakeProvider';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';

/*
 * Integration Enabled executions are written in the same transaction as the new VALID credential:
 * either both exist or neither does. The database itself is made to refuse the execution insert (a
 * trigger that raises on executions of the integrationEnabled kind), then every path that makes a
 * credential VALID — an API-key install, an OAuth callback, complete-setup of a PENDING credential —
 * must leave no credential (or the credential unchanged) behind. Without the refusal, the same calls
 * store both, and the worker runs the execution.
 */

let provider: Awaited<ReturnType<typeof startFakeProvider>>;
let server: TestServer;
let project: TestProject;
const APP_ORIGIN = 'http://app.example.test';

const admin = (method: string, path: string, body?: unknown) =>
  call(server, method, `/admin/projects/${project.projectId}${path}`, {
    token: project.apiKey,
    ...(body !== undefined ? { body } : {}),
  });
const sdk = (rest: string) => `/projects/${project.projectId}/sdk${rest}`;

async function deployWelcome(integration: string): Promise<string> {
  const created = await admin('POST', '/workflows', { integration, description: `Welcome (${integration})` });
  expect(created.status).toBe(201);
  const deployed = await admin('POST', `/workflows/${created.body.id}/versions`, {
    integration,
    description: `Welcome (${integration})`,
    trigger: { type: 'integrationEnabled' },
    steps: [
      { id: 'welcome', type: 'function', code: '(input) => input', input: { c: '{{trigger.credentialId}}' } },
    ],
  });
  expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
  return created.body.id as string;
}

/** Makes the database refuse every Integration Enabled execution insert, until allowExecutions(). */
async function refuseExecutions(): Promise<void> {
  await sql`create or replace function test_refuse_execution() returns trigger language plpgsql as $$
    begin raise exception 'test: executions refused'; end $$`.execute(server.db);
  await sql`create trigger test_refuse_execution before insert on executions for each row
    when (new.trigger_kind = 'integrationEnabled') execute function test_refuse_execution()`.execute(
    server.db,
  );
}
async function allowExecutions(): Promise<void> {
  await sql`drop trigger if exists test_refuse_execution on executions`.execute(server.db);
}

/** Everything stored for a Connected User of the project (by their external id). */
async function storedFor(sub: string) {
  const user = await server.db
    .selectFrom('connectedUsers')
    .select('id')
    .where('projectId', '=', project.projectId)
    .where('externalId', '=', sub)
    .executeTakeFirst();
  if (!user) return { credentials: [], executions: [] };
  const credentials = await server.db
    .selectFrom('credentials')
    .select(['id', 'status', 'inputs'])
    .where('connectedUserId', '=', user.id)
    .execute();
  const executions = await server.db
    .selectFrom('executions')
    .select(['id', 'credentialId', 'workflowId', 'triggerKind'])
    .where('connectedUserId', '=', user.id)
    .execute();
  return { credentials, executions };
}

async function finishedRun(executionId: string): Promise<{ status: string }> {
  for (let i = 0; i < 400; i++) {
    const res = await admin('GET', `/executions/${executionId}`);
    if (res.body?.status === 'succeeded' || res.body?.status === 'failed') return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`execution ${executionId} did not finish`);
}

/** The OAuth popup flow as the official client drives it; answers the callback's status and the session. */
async function oauthInstall(type: string, sub: string) {
  const token = await project.token(sub);
  const integrationId = await project.integrationId(type);
  const oauthMetaKeyId = `atomic-${sub}`;
  const nonce = await fetch(
    `${server.url}${sdk('/actions/oauth-nonce')}?action=${type}&integrationId=${integrationId}&originForPostMessage=${APP_ORIGIN}&userToken=${token}`,
  );
  const cookie = nonce.headers.get('set-cookie')?.split(';')[0] as string;
  const query = new URLSearchParams({
    action: type,
    integrationId,
    oauthMetaKeyId,
    originForPostMessage: APP_ORIGIN,
    endUserSuppliedValues: '{}',
    installOptions: '{}',
  });
  const built = await call(
    server,
    'GET',
    `/v2/projects/${project.projectId}/sdk/actions/build-oauth?${query}`,
    {
      token,
    },
  );
  expect(built.status).toBe(200);
  const atProvider = await fetch(built.body.redirectUrl, { redirect: 'manual' });
  const callback = await fetch(atProvider.headers.get('location') as string, { headers: { cookie } });
  const page = await callback.text();
  return { token, callbackStatus: callback.status, page };
}

beforeAll(async () => {
  provider = await startFakeProvider();
  server = await startTestServer({ extraDefinitions: provider.definitions });
  project = await server.createProject('Atomic install');
  await project.enable('fakekey', 'fakeoauth', 'fakepost');
});
afterEach(allowExecutions);
afterAll(async () => {
  await server?.close();
  await provider?.close();
});

describe('Integration Enabled is atomic with the credential', () => {
  test('API-key install: refused executions leave no credential; allowed, both are stored and the run happens', async () => {
    const workflowId = await deployWelcome('fakekey');
    const token = await project.token('kate');
    const integrationId = await project.integrationId('fakekey');
    const install = () =>
      call(server, 'POST', sdk('/credentials'), {
        token,
        body: { integrationId, payload: { apiKey: 'good-key' } },
      });

    await refuseExecutions();
    const refused = await install();
    expect(refused.status).toBe(500);
    expect(refused.body.code).toBe('INTERNAL');
    expect(await storedFor('kate')).toEqual({ credentials: [], executions: [] });
    // Nothing half-installed is visible to the user either, and nothing blocks a retry.
    expect((await call(server, 'GET', sdk('/credentials'), { token })).body).toEqual([]);

    await allowExecutions();
    const installed = await install();
    expect(installed.status, JSON.stringify(installed.body)).toBe(201);
    const stored = await storedFor('kate');
    expect(stored.credentials).toEqual([expect.objectContaining({ id: installed.body.id, status: 'VALID' })]);
    expect(stored.executions).toEqual([
      expect.objectContaining({
        credentialId: installed.body.id,
        workflowId,
        triggerKind: 'integrationEnabled',
      }),
    ]);
    expect((await finishedRun(stored.executions[0]?.id as string)).status).toBe('succeeded');
  });

  test('OAuth callback: refused executions leave no credential; allowed, both are stored', async () => {
    const workflowId = await deployWelcome('fakeoauth');
    await refuseExecutions();
    const refused = await oauthInstall('fakeoauth', 'olga');
    expect(refused.callbackStatus).toBe(500);
    expect(await storedFor('olga')).toEqual({ credentials: [], executions: [] });

    await allowExecutions();
    const installed = await oauthInstall('fakeoauth', 'otto');
    expect(installed.callbackStatus).toBe(200);
    const stored = await storedFor('otto');
    expect(stored.credentials).toHaveLength(1);
    expect(stored.executions).toEqual([
      expect.objectContaining({
        credentialId: stored.credentials[0]?.id,
        workflowId,
        triggerKind: 'integrationEnabled',
      }),
    ]);
  });

  test('complete-setup: refused executions keep the credential PENDING with its inputs unchanged; allowed, VALID with one run, and only once', async () => {
    const workflowId = await deployWelcome('fakepost');
    const { token, callbackStatus } = await oauthInstall('fakepost', 'pia');
    expect(callbackStatus).toBe(200);
    const pending = await storedFor('pia');
    // PENDING: no Integration Enabled run yet.
    expect(pending.credentials).toEqual([expect.objectContaining({ status: 'PENDING', inputs: {} })]);
    expect(pending.executions).toEqual([]);
    const credentialId = pending.credentials[0]?.id as string;
    const completeSetup = () =>
      call(server, 'POST', sdk(`/credentials/${credentialId}/complete-setup`), {
        token,
        body: { payload: { workspace: 'acme' } },
      });

    await refuseExecutions();
    const refused = await completeSetup();
    expect(refused.status).toBe(500);
    expect(await storedFor('pia')).toEqual({
      credentials: [expect.objectContaining({ status: 'PENDING', inputs: {} })],
      executions: [],
    });

    await allowExecutions();
    const done = await completeSetup();
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const stored = await storedFor('pia');
    expect(stored.credentials).toEqual([
      expect.objectContaining({ status: 'VALID', inputs: { workspace: 'acme' } }),
    ]);
    expect(stored.executions).toEqual([
      expect.objectContaining({ credentialId, workflowId, triggerKind: 'integrationEnabled' }),
    ]);
    // Already VALID: another complete-setup changes inputs but queues nothing.
    expect((await completeSetup()).status).toBe(200);
    expect((await storedFor('pia')).executions).toHaveLength(1);
  });
});
