import { randomUUID } from 'node:crypto';
import { credentialSchema, meResponseSchema, sdkIntegrationSchema } from '@switchboard/contracts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';

let server: TestServer;
let project: TestProject;
let otherProject: TestProject;
let workflowId: string;
let salesforceWorkflowId: string;

beforeAll(async () => {
  server = await startTestServer();
  project = await server.createProject('Acme');
  await project.enable('slack', 'salesforce', 'stripe');
  otherProject = await server.createProject('Other');
  await otherProject.enable('slack');
  const created = await call(server, 'POST', `/admin/projects/${project.projectId}/workflows`, {
    token: project.apiKey,
    body: { integration: 'slack', description: 'Send updates to Slack' },
  });
  expect(created.status).toBe(201);
  workflowId = created.body.id;
  salesforceWorkflowId = (
    await call(server, 'POST', `/admin/projects/${project.projectId}/workflows`, {
      token: project.apiKey,
      body: { integration: 'salesforce', description: 'Sync leads' },
    })
  ).body.id;
});
afterAll(() => server?.close());

const sdk = (p: TestProject, rest: string) => `/projects/${p.projectId}/sdk${rest}`;

describe('GET /sdk/me', () => {
  test('lists every active integration, connected or not, in the official shape', async () => {
    const token = await project.token('fresh-user');
    const { status, body } = await call(server, 'GET', sdk(project, '/me'), { token });
    expect(status).toBe(200);
    const me = meResponseSchema.parse(body);
    expect(Object.keys(me.integrations).sort()).toEqual(['salesforce', 'slack', 'stripe']);
    expect(me.integrations.slack).toMatchObject({ enabled: false, allCredentials: [], workflowSettings: {} });
    expect(me.userId).toBe('fresh-user');
    expect(me.meta).toEqual({});
    expect(me.project.accessibleFeatures).toEqual(expect.arrayContaining(['headless-cp', 'dfm']));
  });

  test("shows the user's connected credential as the current one", async () => {
    const c = await project.connect('connected-user');
    const me = meResponseSchema.parse(
      (await call(server, 'GET', sdk(project, '/me'), { token: c.token })).body,
    );
    expect(me.integrations.slack).toMatchObject({
      enabled: true,
      credentialId: c.credentialId,
      credentialConfigId: c.configurationId,
      credentialStatus: 'VALID',
      providerId: 'T123',
      providerData: { teamName: 'Acme HQ' },
    });
    expect(me.integrations.slack?.allCredentials).toHaveLength(1);
    expect(me.integrations.slack?.allCredentials[0]?.configurations[0]?.isDefault).toBe(true);
    expect(me.integrations.salesforce?.enabled).toBe(false);
  });
});

describe('PATCH /sdk/me', () => {
  test('merges metadata; keys not sent stay', async () => {
    const token = await project.token('meta-user');
    expect(
      (
        await call(server, 'PATCH', sdk(project, '/me'), {
          token,
          body: { meta: { Name: 'Sean V', plan: 'pro' } },
        })
      ).status,
    ).toBe(200);
    const second = await call(server, 'PATCH', sdk(project, '/me'), {
      token,
      body: { meta: { Email: 'sean@example.com', plan: 'team' } },
    });
    expect(second.body.meta).toEqual({ Name: 'Sean V', Email: 'sean@example.com', plan: 'team' });
    const me = await call(server, 'GET', sdk(project, '/me'), { token });
    expect(me.body.meta).toEqual({ Name: 'Sean V', Email: 'sean@example.com', plan: 'team' });
  });

  test('metadata and settings keys come back exactly as stored (snake_case, nested, kebab-case)', async () => {
    const token = await project.token('meta-keys');
    const meta = {
      first_name: 'Ada',
      'time-zone': 'Europe/London',
      address: { postal_code: 'N1', line_1: 'x' },
    };
    expect((await call(server, 'PATCH', sdk(project, '/me'), { token, body: { meta } })).status).toBe(200);
    expect((await call(server, 'GET', sdk(project, '/me'), { token })).body.meta).toEqual(meta);
    const user = await project.connect('settings-keys');
    const sharedSettings = { default_owner: 'ada', field_map: { lead_source: 'web' } };
    const patched = await call(server, 'PATCH', sdk(project, `/credentials/${user.credentialId}`), {
      token: user.token,
      body: { config: { sharedSettings } },
    });
    expect(patched.status).toBe(200);
    const read = await call(server, 'GET', sdk(project, `/credentials/${user.credentialId}`), {
      token: user.token,
    });
    expect(read.body.config.sharedSettings).toEqual(sharedSettings);
  });

  test.each([
    ['meta is not an object', { meta: 'x' }],
    ['meta is missing', { metadata: {} }],
    ['an unknown top-level key', { meta: {}, extra: 1 }],
  ])('refuses a body where %s with 400, changing nothing', async (_name, body) => {
    const token = await project.token('meta-guard');
    await call(server, 'PATCH', sdk(project, '/me'), { token, body: { meta: { keep: true } } });
    const response = await call(server, 'PATCH', sdk(project, '/me'), { token, body });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect((await call(server, 'GET', sdk(project, '/me'), { token })).body.meta).toEqual({ keep: true });
  });

  test('refuses invalid JSON with a 400 JSON body', async () => {
    const token = await project.token('meta-json');
    const response = await call(server, 'PATCH', sdk(project, '/me'), { token, body: '{"meta": ' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.body.code).toBe('VALIDATION_FAILED');
  });

  test('refuses a body over the limit with 413', async () => {
    const token = await project.token('meta-big');
    const response = await call(server, 'PATCH', sdk(project, '/me'), {
      token,
      body: { meta: { big: 'x'.repeat(2_000_000) } },
    });
    expect(response.status).toBe(413);
    expect(response.body.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('GET /sdk/integrations', () => {
  test('returns the seed shape with configs, workflows and catalog metadata', async () => {
    const token = await project.token('integrations-user');
    const { status, body } = await call(server, 'GET', sdk(project, '/integrations'), { token });
    expect(status).toBe(200);
    const integrations = z.array(sdkIntegrationSchema).parse(body);
    const slack = integrations.find((i) => i.type === 'slack')!;
    expect(slack).toMatchObject({
      name: 'Slack',
      isActive: true,
      authenticationType: 'oauth',
      projectId: project.projectId,
    });
    expect(slack.brandColor).toMatch(/^#[0-9A-Fa-f]{6}$/);
    expect(slack.icon).toBe(`${server.url}/integrations/slack.svg`);
    expect(slack.workflows.map((w) => w.id)).toEqual([workflowId]);
    expect(Object.keys(slack.configs[0]!.values.workflowMeta)).toEqual([workflowId]);
    expect(slack.configs[0]!.values.overview.length).toBeGreaterThan(20);
    expect(integrations.find((i) => i.type === 'stripe')?.authenticationType).toBe('basic');
    expect(integrations.find((i) => i.type === 'salesforce')?.sdkIntegrationConfig.accountTypes).toEqual([
      { id: 'default', scheme: 'oauth', accountDescription: 'Production or Developer Edition org' },
      { id: 'sandbox', scheme: 'oauth', accountDescription: 'Sandbox org' },
    ]);
    expect(slack.sdkIntegrationConfig.accountTypes).toEqual([]);
    const icon = await fetch(slack.icon);
    expect(icon.headers.get('content-type')).toContain('image/svg+xml');
    expect(await icon.text()).toContain('<svg');
  });

  test('a deactivated integration disappears from /integrations and /me', async () => {
    const p = await server.createProject('Deactivation');
    await p.enable('slack', 'hubspot');
    const off = await call(server, 'DELETE', `/admin/projects/${p.projectId}/integrations/hubspot`, {
      token: p.apiKey,
    });
    expect(off.status).toBe(200);
    const token = await p.token('u');
    expect(
      (await call(server, 'GET', sdk(p, '/integrations'), { token })).body.map(
        (i: { type: string }) => i.type,
      ),
    ).toEqual(['slack']);
    expect(Object.keys((await call(server, 'GET', sdk(p, '/me'), { token })).body.integrations)).toEqual([
      'slack',
    ]);
  });
});

describe('credentials', () => {
  test("GET /sdk/credentials lists the user's credentials; ?integration= returns the current one", async () => {
    const c = await project.connect('cred-lister');
    const list = await call(server, 'GET', sdk(project, '/credentials'), { token: c.token });
    expect(
      z
        .array(credentialSchema)
        .parse(list.body)
        .map((x) => x.id),
    ).toEqual([c.credentialId]);
    // The official client sends includeAccountAuth=undefined literally when the option is omitted.
    const one = await call(
      server,
      'GET',
      sdk(project, '/credentials?integration=slack&includeAccountAuth=undefined'),
      { token: c.token },
    );
    expect(one.status).toBe(200);
    expect(credentialSchema.parse(one.body).id).toBe(c.credentialId);
    const missing = await call(server, 'GET', sdk(project, '/credentials?integration=salesforce'), {
      token: c.token,
    });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('INTEGRATION_NOT_INSTALLED');
  });

  test("GET /sdk/credentials/:id answers 404 for another user's or another project's credential", async () => {
    const mine = await project.connect('owner-a');
    const theirs = await project.connect('owner-b');
    const elsewhere = await otherProject.connect('owner-a');
    expect(
      (await call(server, 'GET', sdk(project, `/credentials/${mine.credentialId}`), { token: mine.token }))
        .status,
    ).toBe(200);
    for (const id of [theirs.credentialId, elsewhere.credentialId]) {
      const response = await call(server, 'GET', sdk(project, `/credentials/${id}`), { token: mine.token });
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('CREDENTIAL_NOT_FOUND');
    }
    // The other project's token on this project's path fails signature: 401 there, not data.
    const cross = await call(server, 'GET', sdk(project, `/credentials/${elsewhere.credentialId}`), {
      token: elsewhere.token,
    });
    expect(cross.status).toBe(401);
  });

  test('PATCH replaces only the maps it is given (seed: by replacement; official client: one map at a time)', async () => {
    const c = await project.connect('settings-user');
    const path = sdk(project, `/credentials/${c.credentialId}`);
    const full = await call(server, 'PATCH', path, {
      token: c.token,
      body: {
        config: {
          workflowSettings: { [workflowId]: { enabled: true, settings: { channel: '#general' } } },
          sharedSettings: { region: 'eu', limit: 5 },
        },
      },
    });
    expect(full.status).toBe(200);
    expect(full.body.configurations[0].workflowSettings[workflowId]).toEqual({
      enabled: true,
      settings: { channel: '#general' },
    });

    const shared = await call(server, 'PATCH', path, {
      token: c.token,
      body: { config: { sharedSettings: { region: 'us' } } },
    });
    expect(shared.body.configurations[0].sharedSettings).toEqual({ region: 'us' });
    expect(shared.body.configurations[0].workflowSettings[workflowId].enabled).toBe(true);
    expect(shared.body.config).toEqual({
      configuredWorkflows: shared.body.configurations[0].workflowSettings,
      sharedSettings: { region: 'us' },
    });

    const legacy = await call(server, 'PATCH', path, {
      token: c.token,
      body: { config: { configuredWorkflows: {} } },
    });
    expect(legacy.body.configurations[0].workflowSettings).toEqual({});

    const stored = await call(server, 'GET', path, { token: c.token });
    expect(stored.body.configurations[0]).toMatchObject({
      workflowSettings: {},
      sharedSettings: { region: 'us' },
    });
  });

  test.each([
    ['enabled is not a boolean', { config: { workflowSettings: { w: { enabled: 'yes', settings: {} } } } }],
    ['config is missing', { sharedSettings: {} }],
    ['config has an unknown key', { config: { somethingElse: {} } }],
    [
      'both workflowSettings and configuredWorkflows',
      { config: { workflowSettings: {}, configuredWorkflows: {} } },
    ],
    ['sharedSettings is an array', { config: { sharedSettings: [1, 2] } }],
  ])('PATCH refuses a body where %s with 400 and changes nothing', async (_name, body) => {
    const c = await project.connect(`bad-patch-${_name}`);
    const path = sdk(project, `/credentials/${c.credentialId}`);
    await call(server, 'PATCH', path, { token: c.token, body: { config: { sharedSettings: { kept: 1 } } } });
    const response = await call(server, 'PATCH', path, { token: c.token, body });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    const stored = await call(server, 'GET', path, { token: c.token });
    expect(stored.body.configurations[0].sharedSettings).toEqual({ kept: 1 });
  });

  test("PATCH of another user's credential is a 404 and changes nothing", async () => {
    const victim = await project.connect('patch-victim');
    const attacker = await project.connect('patch-attacker');
    const path = sdk(project, `/credentials/${victim.credentialId}`);
    await call(server, 'PATCH', path, {
      token: victim.token,
      body: { config: { sharedSettings: { mine: true } } },
    });
    const response = await call(server, 'PATCH', path, {
      token: attacker.token,
      body: { config: { sharedSettings: { pwned: true } } },
    });
    expect(response.status).toBe(404);
    expect(
      (await call(server, 'GET', path, { token: victim.token })).body.configurations[0].sharedSettings,
    ).toEqual({ mine: true });
  });

  test("PATCH with an X-Paragon-Configuration-Id that is not this credential's is a 404", async () => {
    const a = await project.connect('config-a');
    const b = await project.connect('config-b');
    const response = await call(server, 'PATCH', sdk(project, `/credentials/${a.credentialId}`), {
      token: a.token,
      headers: { 'x-paragon-configuration-id': b.configurationId },
      body: { config: { sharedSettings: {} } },
    });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('CONFIGURATION_NOT_FOUND');
  });
});

describe('workflows', () => {
  test("POST enables and DELETE disables, keeping the workflow's settings", async () => {
    const c = await project.connect('toggle-user');
    const credentialPath = sdk(project, `/credentials/${c.credentialId}`);
    await call(server, 'PATCH', credentialPath, {
      token: c.token,
      body: {
        config: { workflowSettings: { [workflowId]: { enabled: false, settings: { channel: '#ops' } } } },
      },
    });
    const headers = {
      'x-paragon-credential': c.credentialId,
      'x-paragon-configuration-id': c.configurationId,
    };
    // The official client sends Content-Type: application/json with no body.
    const enabled = await call(server, 'POST', sdk(project, `/workflows/${workflowId}`), {
      token: c.token,
      headers: { ...headers, 'content-type': 'application/json' },
    });
    expect(enabled.status).toBe(200);
    expect(enabled.body.configurations[0].workflowSettings[workflowId]).toEqual({
      enabled: true,
      settings: { channel: '#ops' },
    });
    const disabled = await call(server, 'DELETE', sdk(project, `/workflows/${workflowId}`), {
      token: c.token,
      headers: { ...headers, 'content-type': 'application/json' },
    });
    expect(disabled.status).toBe(200);
    const stored = await call(server, 'GET', credentialPath, { token: c.token });
    expect(stored.body.configurations[0].workflowSettings[workflowId]).toEqual({
      enabled: false,
      settings: { channel: '#ops' },
    });
  });

  test("without headers it uses the current credential of the workflow's integration", async () => {
    const c = await project.connect('toggle-default');
    const response = await call(server, 'POST', sdk(project, `/workflows/${workflowId}`), { token: c.token });
    expect(response.status).toBe(200);
    expect(response.body.id).toBe(c.credentialId);
    expect(response.body.configurations[0].workflowSettings[workflowId]).toEqual({
      enabled: true,
      settings: {},
    });
  });

  test("refusals: unknown workflow, another project's workflow, integration not connected, another user's credential", async () => {
    const c = await project.connect('toggle-refusals');
    const stranger = await project.connect('toggle-stranger');
    const foreign = await call(server, 'POST', `/admin/projects/${otherProject.projectId}/workflows`, {
      token: otherProject.apiKey,
      body: { integration: 'slack', description: 'Foreign' },
    });
    const cases: Array<[string, Record<string, string>, string]> = [
      [randomUUID(), {}, 'WORKFLOW_NOT_FOUND'],
      [foreign.body.id, {}, 'WORKFLOW_NOT_FOUND'],
      [salesforceWorkflowId, {}, 'INTEGRATION_NOT_INSTALLED'],
      [workflowId, { 'x-paragon-credential': stranger.credentialId }, 'CREDENTIAL_NOT_FOUND'],
      [workflowId, { 'x-paragon-credential': 'ext:not-a-uuid' }, 'CREDENTIAL_NOT_FOUND'],
    ];
    for (const [id, headers, code] of cases) {
      const response = await call(server, 'POST', sdk(project, `/workflows/${id}`), {
        token: c.token,
        headers,
      });
      expect({ id, status: response.status, code: response.body.code }).toEqual({ id, status: 404, code });
    }
    const strangerState = await call(server, 'GET', sdk(project, `/credentials/${stranger.credentialId}`), {
      token: stranger.token,
    });
    expect(strangerState.body.configurations[0].workflowSettings).toEqual({});
  });
});

describe('DELETE /sdk/integrations/:integrationId', () => {
  test('deletes the credential named in X-Paragon-Credential, then the rest', async () => {
    const first = await project.connect('multi-account', { providerId: 'T1' });
    const second = await project.connect('multi-account', { providerId: 'T2' });
    const me = await call(server, 'GET', sdk(project, '/me'), { token: first.token });
    expect(me.body.integrations.slack.allCredentials).toHaveLength(2);

    const one = await call(server, 'DELETE', sdk(project, `/integrations/${first.integrationId}`), {
      token: first.token,
      headers: { 'x-paragon-credential': first.credentialId, 'content-type': 'application/json' },
    });
    expect(one.status).toBe(200);
    expect(one.body.deletedCredentialIds).toEqual([first.credentialId]);
    const after = await call(server, 'GET', sdk(project, '/me'), { token: first.token });
    expect(after.body.integrations.slack.allCredentials.map((c: { id: string }) => c.id)).toEqual([
      second.credentialId,
    ]);
    expect(after.body.integrations.slack.credentialId).toBe(second.credentialId);

    const rest = await call(server, 'DELETE', sdk(project, `/integrations/${first.integrationId}`), {
      token: first.token,
    });
    expect(rest.body.deletedCredentialIds).toEqual([second.credentialId]);
    const none = await call(server, 'GET', sdk(project, '/me'), { token: first.token });
    expect(none.body.integrations.slack).toMatchObject({ enabled: false, allCredentials: [] });
    const again = await call(server, 'DELETE', sdk(project, `/integrations/${first.integrationId}`), {
      token: first.token,
    });
    expect(again.status).toBe(404);
  });

  test("naming another user's credential is a 404 and deletes nothing", async () => {
    const victim = await project.connect('delete-victim');
    const attacker = await project.connect('delete-attacker');
    const response = await call(server, 'DELETE', sdk(project, `/integrations/${victim.integrationId}`), {
      token: attacker.token,
      headers: { 'x-paragon-credential': victim.credentialId },
    });
    expect(response.status).toBe(404);
    expect(
      (
        await call(server, 'GET', sdk(project, `/credentials/${victim.credentialId}`), {
          token: victim.token,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call(server, 'GET', sdk(project, `/credentials/${attacker.credentialId}`), {
          token: attacker.token,
        })
      ).status,
    ).toBe(200);
  });

  test("another project's integration id is a 404", async () => {
    const c = await project.connect('delete-foreign');
    const foreign = await otherProject.connect('delete-foreign');
    const response = await call(server, 'DELETE', sdk(project, `/integrations/${foreign.integrationId}`), {
      token: c.token,
    });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('INTEGRATION_NOT_FOUND');
  });
});

describe('CORS', () => {
  test('answers preflights for browser callers, reflecting the requested headers', async () => {
    const response = await fetch(`${server.url}${sdk(project, '/me')}`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers':
          'authorization,content-type,x-paragon-sdk-version,x-paragon-credential,x-paragon-configuration-id',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(response.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(response.headers.get('access-control-allow-headers')).toContain('x-paragon-configuration-id');
  });

  test('error responses carry CORS headers too, so the browser can read them', async () => {
    const response = await fetch(`${server.url}${sdk(project, '/me')}`, {
      headers: { origin: 'https://app.example.com' },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });
});

describe('order of checks', () => {
  test('a request without a valid token is a 401 even when its body is also invalid', async () => {
    const response = await call(server, 'PATCH', sdk(project, '/me'), { body: { meta: 'not an object' } });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('AUTH_TOKEN_MISSING');
  });
});
