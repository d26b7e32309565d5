import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, startTestServer, type TestServer } from '../testing/startTestServer';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('admin API', () => {
  test('creating a project returns secrets once and stores only the public key', async () => {
    const created = await call(server, 'POST', '/admin/projects', {
      token: server.adminKey,
      body: { name: 'Acme' },
    });
    expect(created.status).toBe(201);
    expect(created.body.apiKey).toMatch(/^sbk_/);
    expect(created.body.signingKey).toContain('-----BEGIN PRIVATE KEY-----');
    const project = await call(server, 'GET', `/admin/projects/${created.body.projectId}`, {
      token: created.body.apiKey,
    });
    expect(project.status).toBe(200);
    expect(project.body.signingKeys[0].publicKey).toContain('-----BEGIN PUBLIC KEY-----');
    expect(JSON.stringify(project.body)).not.toContain('PRIVATE KEY');
    const stored =
      JSON.stringify(await server.db.selectFrom('signingKeys').selectAll().execute()) +
      JSON.stringify(await server.db.selectFrom('apiKeys').selectAll().execute());
    expect(stored).not.toContain('PRIVATE KEY');
    expect(stored).not.toContain(created.body.apiKey);
  });

  test('a project can bring its own public key; a bad key is a clear 400', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const created = await call(server, 'POST', '/admin/projects', {
      token: server.adminKey,
      body: { name: 'BYO', publicKey: pem },
    });
    expect(created.status).toBe(201);
    expect(created.body.signingKey).toBeNull();

    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const refused = await call(server, 'POST', '/admin/projects', {
      token: server.adminKey,
      body: { name: 'EC', publicKey: ec },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'SIGNING_KEY_INVALID' });
    expect(refused.body.message).toContain('RSA');
  });

  test('keys: none or a wrong key is 401; a project key cannot create projects (403) or see other projects (404)', async () => {
    expect((await call(server, 'GET', '/admin/projects')).status).toBe(401);
    expect((await call(server, 'GET', '/admin/projects', { token: 'sba_wrong' })).body.code).toBe(
      'AUTH_API_KEY_INVALID',
    );
    const a = (await call(server, 'POST', '/admin/projects', { token: server.adminKey, body: { name: 'A' } }))
      .body;
    const b = (await call(server, 'POST', '/admin/projects', { token: server.adminKey, body: { name: 'B' } }))
      .body;
    const create = await call(server, 'POST', '/admin/projects', { token: a.apiKey, body: { name: 'C' } });
    expect(create.status).toBe(403);
    expect(create.body.code).toBe('FORBIDDEN');
    const peek = await call(server, 'GET', `/admin/projects/${b.projectId}/integrations`, {
      token: a.apiKey,
    });
    expect(peek.status).toBe(404);
    expect((await call(server, 'GET', '/admin/catalog', { token: a.apiKey })).status).toBe(200);
  });

  test('enabling integrations: catalog types only, idempotent, secret never returned', async () => {
    const p = (
      await call(server, 'POST', '/admin/projects', { token: server.adminKey, body: { name: 'Int' } })
    ).body;
    const path = `/admin/projects/${p.projectId}/integrations`;
    const unknown = await call(server, 'POST', path, { token: p.apiKey, body: { type: 'myspace' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('INTEGRATION_NOT_IN_CATALOG');
    expect(unknown.body.message).toContain('salesforce');

    const first = await call(server, 'POST', path, {
      token: p.apiKey,
      body: {
        type: 'salesforce',
        clientId: 'cid',
        clientSecret: 'top-secret',
        scopes: ['api', 'refresh_token'],
      },
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      type: 'salesforce',
      isActive: true,
      clientId: 'cid',
      hasClientSecret: true,
      scopes: ['api', 'refresh_token'],
    });
    expect(JSON.stringify(first.body)).not.toContain('top-secret');
    const again = await call(server, 'POST', path, { token: p.apiKey, body: { type: 'salesforce' } });
    expect(again.body).toMatchObject({ id: first.body.id, clientId: 'cid', hasClientSecret: true });
    expect((await call(server, 'GET', path, { token: p.apiKey })).body).toHaveLength(1);

    const badBody = await call(server, 'POST', path, {
      token: p.apiKey,
      body: { type: 'slack', accentColor: 'red' },
    });
    expect(badBody.status).toBe(400);
    expect(badBody.body.details[0].path).toBe('body.accentColor');
  });

  test('user tokens: signed only with a key of the project, and they verify', async () => {
    const p = (
      await call(server, 'POST', '/admin/projects', { token: server.adminKey, body: { name: 'Tok' } })
    ).body;
    const q = (
      await call(server, 'POST', '/admin/projects', { token: server.adminKey, body: { name: 'Other' } })
    ).body;
    await call(server, 'POST', `/admin/projects/${p.projectId}/integrations`, {
      token: p.apiKey,
      body: { type: 'slack' },
    });
    const issued = await call(server, 'POST', `/admin/projects/${p.projectId}/user-tokens`, {
      token: p.apiKey,
      body: { userId: 'user-42', signingKey: p.signingKey, ttl: '30m' },
    });
    expect(issued.status).toBe(200);
    const [, payload] = issued.body.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    expect(claims.sub).toBe('user-42');
    expect(claims.exp - claims.iat).toBe(1800);
    const me = await call(server, 'GET', `/projects/${p.projectId}/sdk/me`, { token: issued.body.token });
    expect(me.body.userId).toBe('user-42');

    const wrongKey = await call(server, 'POST', `/admin/projects/${p.projectId}/user-tokens`, {
      token: p.apiKey,
      body: { userId: 'user-42', signingKey: q.signingKey },
    });
    expect(wrongKey.status).toBe(400);
    expect(wrongKey.body.code).toBe('SIGNING_KEY_INVALID');
  });

  test('workflows are registered under an enabled integration', async () => {
    const p = (
      await call(server, 'POST', '/admin/projects', { token: server.adminKey, body: { name: 'Wf' } })
    ).body;
    const path = `/admin/projects/${p.projectId}/workflows`;
    const early = await call(server, 'POST', path, {
      token: p.apiKey,
      body: { integration: 'slack', description: 'x' },
    });
    expect(early.status).toBe(400);
    expect(early.body.message).toContain('enable it first');
    await call(server, 'POST', `/admin/projects/${p.projectId}/integrations`, {
      token: p.apiKey,
      body: { type: 'slack' },
    });
    const created = await call(server, 'POST', path, {
      token: p.apiKey,
      body: { integration: 'slack', description: 'Notify' },
    });
    expect(created.status).toBe(201);
    expect(
      (await call(server, 'GET', path, { token: p.apiKey })).body.map((w: { id: string }) => w.id),
    ).toEqual([created.body.id]);
  });

  test('the OpenAPI document describes the SDK and admin routes', async () => {
    const doc = await call(server, 'GET', '/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    for (const path of [
      '/projects/{projectId}/sdk/me',
      '/projects/{projectId}/sdk/credentials/{credentialId}',
      '/admin/projects',
      '/admin/projects/{projectId}/integrations',
      '/admin/projects/{projectId}/user-tokens',
    ]) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
    expect((await fetch(`${server.url}/docs`)).status).toBeLessThan(400);
  });

  test('unknown routes are a JSON 404', async () => {
    const response = await call(server, 'GET', '/nope');
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('User Settings definitions', () => {
  test('integration and workflow User Settings reach the portal configuration', async () => {
    const p = (
      await call(server, 'POST', '/admin/projects', { token: server.adminKey, body: { name: 'Settings' } })
    ).body;
    const userSettings = [
      {
        id: 'region',
        title: 'Region',
        type: 'ENUM',
        required: true,
        options: [
          { label: 'EU', value: 'eu' },
          { label: 'US', value: 'us' },
        ],
      },
      { id: 'limit', title: 'Daily limit', type: 'NUMBER', min: 1, max: 1000 },
    ];
    const enabled = await call(server, 'POST', `/admin/projects/${p.projectId}/integrations`, {
      token: p.apiKey,
      body: { type: 'slack', userSettings },
    });
    expect(enabled.status).toBe(200);
    const workflow = await call(server, 'POST', `/admin/projects/${p.projectId}/workflows`, {
      token: p.apiKey,
      body: {
        integration: 'slack',
        description: 'Notify',
        inputs: [{ id: 'channel', title: 'Channel', type: 'CUSTOM_DROPDOWN', dropdownKey: 'channels' }],
      },
    });
    expect(workflow.status).toBe(201);
    const token = (
      await call(server, 'POST', `/admin/projects/${p.projectId}/user-tokens`, {
        token: p.apiKey,
        body: { userId: 'u', signingKey: p.signingKey },
      })
    ).body.token;
    const [slack] = (await call(server, 'GET', `/projects/${p.projectId}/sdk/integrations`, { token })).body;
    expect(slack.configs[0].values.sharedMeta.inputs).toEqual(userSettings);
    expect(slack.configs[0].values.workflowMeta[workflow.body.id].inputs).toEqual([
      { id: 'channel', title: 'Channel', type: 'CUSTOM_DROPDOWN', dropdownKey: 'channels' },
    ]);
  });

  test.each([
    ['an ENUM without options', [{ id: 'a', title: 'A', type: 'ENUM' }], 'options'],
    [
      'duplicate ids',
      [
        { id: 'a', title: 'A', type: 'TEXT' },
        { id: 'a', title: 'B', type: 'TEXT' },
      ],
      'unique',
    ],
    ['an unknown type', [{ id: 'a', title: 'A', type: 'COLOR' }], 'type'],
  ])('refuses %s with a 400 that names the problem', async (_name, userSettings, words) => {
    const p = (
      await call(server, 'POST', '/admin/projects', {
        token: server.adminKey,
        body: { name: 'Bad settings' },
      })
    ).body;
    const response = await call(server, 'POST', `/admin/projects/${p.projectId}/integrations`, {
      token: p.apiKey,
      body: { type: 'slack', userSettings },
    });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain(words);
    expect(
      (await call(server, 'GET', `/admin/projects/${p.projectId}/integrations`, { token: p.apiKey })).body,
    ).toEqual([]);
  });
});
