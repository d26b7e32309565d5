import { createConnectClient } from '@switchboard/connect';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';

let server: TestServer;
let project: TestProject;
let workflowId: string;

beforeAll(async () => {
  server = await startTestServer();
  project = await server.createProject('Acme');
  await project.enable('slack', 'salesforce', 'hubspot');
  workflowId = (
    await call(server, 'POST', `/admin/projects/${project.projectId}/workflows`, {
      token: project.apiKey,
      body: { integration: 'slack', description: 'Send updates' },
    })
  ).body.id;
});
afterAll(() => server?.close());

const newClient = () => {
  const client = createConnectClient({ fetch: (url, init) => fetch(url, init) });
  client.configureGlobal({ host: server.url });
  return client;
};

describe('@switchboard/connect against a running Switchboard (Node)', () => {
  test('authenticate, getUser, metadata normalised and stored, integration metadata', async () => {
    const client = newClient();
    await client.authenticate(project.projectId, await project.token('sdk-user'), {
      metadata: { name: 'Ada', email: 'ada@example.com' },
    });
    const user = client.getUser();
    expect(user).toMatchObject({
      authenticated: true,
      userId: 'sdk-user',
      meta: { Name: 'Ada', Email: 'ada@example.com' },
    });
    if (!user.authenticated) throw new Error('unreachable');
    expect(Object.keys(user.integrations).sort()).toEqual(['hubspot', 'salesforce', 'slack']);
    expect(JSON.stringify(user)).not.toContain('eyJ'); // the token is never part of getUser()

    await client.setUserMetadata({ plan: 'pro' });
    const stored = await call(server, 'GET', `/projects/${project.projectId}/sdk/me`, {
      token: await project.token('sdk-user'),
    });
    expect(stored.body.meta).toEqual({ Name: 'Ada', Email: 'ada@example.com', plan: 'pro' });

    const metadata = client.getIntegrationMetadata();
    expect(metadata).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'salesforce',
          name: 'Salesforce',
          icon: `${server.url}/integrations/salesforce.svg`,
        }),
      ]),
    );
    expect(client.getIntegrationMetadata('hubspot')).toMatchObject({ type: 'hubspot', name: 'HubSpot' });
  });

  test('workflow toggles and uninstall act on the stored configuration and emit events', async () => {
    const { credential, integrationId, token } = await project.connect('sdk-toggler');
    const client = newClient();
    await client.authenticate(project.projectId, token);
    const events: unknown[] = [];
    client.subscribe('onIntegrationUninstall', (event) => events.push(event));

    await client.enableWorkflow(workflowId);
    const path = `/projects/${project.projectId}/sdk/credentials/${credential.id}`;
    expect(
      (await call(server, 'GET', path, { token })).body.configurations[0].workflowSettings[workflowId]
        .enabled,
    ).toBe(true);
    await client.disableWorkflow(workflowId);
    expect(
      (await call(server, 'GET', path, { token })).body.configurations[0].workflowSettings[workflowId]
        .enabled,
    ).toBe(false);

    await client.uninstallIntegration('slack');
    expect((await call(server, 'GET', path, { token })).status).toBe(404);
    expect(events).toEqual([{ integrationId, integrationType: 'slack' }]);
    const after = client.getUser();
    expect(after.authenticated && after.integrations.slack?.enabled).toBe(false);
  });

  test("a token of another project is refused, with the server's reason", async () => {
    const other = await server.createProject('Other');
    const client = newClient();
    await expect(client.authenticate(project.projectId, await other.token('intruder'))).rejects.toThrow(
      /signing keys/,
    );
    expect(client.getUser()).toEqual({ authenticated: false });
  });
});
