import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectViaOAuth } from '../testing/connectViaOAuth';
import { startFakeProvider } from '../testing/fakeProvider';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';

/*
 * Integration Enabled over real HTTP: an install (API key, OAuth) queues the integration's Integration
 * Enabled workflows for the installing user, without enabling them, and the worker runs them; a
 * re-authentication of an existing credential does not.
 */

let provider: Awaited<ReturnType<typeof startFakeProvider>>;
let server: TestServer;
let project: TestProject;

const admin = (method: string, path: string, body?: unknown) =>
  call(server, method, `/admin/projects/${project.projectId}${path}`, {
    token: project.apiKey,
    ...(body !== undefined ? { body } : {}),
  });

async function deploy(integration: string, description: string): Promise<string> {
  const created = await admin('POST', '/workflows', { integration, description });
  expect(created.status).toBe(201);
  const deployed = await admin('POST', `/workflows/${created.body.id}/versions`, {
    integration,
    description,
    trigger: { type: 'integrationEnabled' },
    steps: [
      {
        id: 'welcome',
        type: 'function',
        code: '(input) => ({ at: input.at, credentialId: input.credentialId })',
        input: { at: '{{trigger.enabledAt}}', credentialId: '{{trigger.credentialId}}' },
      },
    ],
  });
  expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
  return created.body.id as string;
}

type Summary = { id: string; status: string; userId: string; workflowId: string };

/** Task history of one workflow, polled until `done` holds (a generous bound, not a timing check). */
async function historyUntil(workflowId: string, done: (rows: Summary[]) => boolean): Promise<Summary[]> {
  let rows: Summary[] = [];
  for (let i = 0; i < 400; i++) {
    const res = await admin('GET', `/executions?workflowId=${workflowId}`);
    expect(res.status).toBe(200);
    rows = res.body.executions as Summary[];
    if (done(rows)) return rows;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`task history of ${workflowId} never got there: ${JSON.stringify(rows)}`);
}

beforeAll(async () => {
  provider = await startFakeProvider();
  server = await startTestServer({ extraDefinitions: provider.definitions });
  project = await server.createProject('Integration Enabled');
  await project.enable('fakeoauth', 'fakekey');
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
});

describe('Integration Enabled', () => {
  test('an API-key install runs the workflow for that user; a re-authentication does not', async () => {
    const workflowId = await deploy('fakekey', 'Welcome (key)');
    const token = await project.token('kim');
    const integrationId = await project.integrationId('fakekey');
    const installed = await call(server, 'POST', `/projects/${project.projectId}/sdk/credentials`, {
      token,
      body: { integrationId, payload: { apiKey: 'good-key' } },
    });
    expect(installed.status, JSON.stringify(installed.body)).toBe(201);
    const credentialId = installed.body.id as string;
    // Durable before the install answered: already in task history.
    const queued = await admin('GET', `/executions?workflowId=${workflowId}`);
    expect(queued.body.executions).toHaveLength(1);

    const [run] = await historyUntil(workflowId, (rows) => rows[0]?.status === 'succeeded');
    expect(run).toMatchObject({ userId: 'kim', status: 'succeeded' });
    const detail = await admin('GET', `/executions/${run?.id}`);
    expect(detail.body.trigger).toMatchObject({ integration: 'fakekey', credentialId });
    expect(Number.isNaN(Date.parse(detail.body.trigger.enabledAt))).toBe(false);
    expect(detail.body.steps[0]).toMatchObject({ stepId: 'welcome', output: { credentialId } });

    const reauth = await call(server, 'POST', `/projects/${project.projectId}/sdk/credentials`, {
      token,
      body: {
        integrationId,
        payload: { apiKey: 'good-key' },
        installOptions: { selectedCredentialId: credentialId },
      },
    });
    expect(reauth.status, JSON.stringify(reauth.body)).toBe(201);
    const after = await admin('GET', `/executions?workflowId=${workflowId}`);
    expect(after.body.executions).toHaveLength(1);
  });

  test('an OAuth install runs the workflow for that user only, and not workflows of other integrations', async () => {
    const workflowId = await deploy('fakeoauth', 'Welcome (OAuth)');
    const { credentialId } = await connectViaOAuth(server, project, 'olga');
    const [run] = await historyUntil(workflowId, (rows) => rows[0]?.status === 'succeeded');
    expect(run).toMatchObject({ userId: 'olga', status: 'succeeded' });
    const detail = await admin('GET', `/executions/${run?.id}`);
    expect(detail.body.trigger).toMatchObject({ integration: 'fakeoauth', credentialId });
    const all = await admin('GET', '/executions?userId=olga');
    expect(all.body.executions.map((e: Summary) => e.workflowId)).toEqual([workflowId]);
  });
});
