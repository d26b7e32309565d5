import { createServer, type Server } from 'node:http';
import { findCredentialSecrets, insertMonitoringEvent } from '@switchboard/db';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openCredentialSecrets, sealCredentialSecrets } from '../connect/credentialSecrets';
import { connectViaOAuth, rawRequest } from '../testing/connectViaOAuth';
import { startFakeProvider } from '../testing/fakeProvider';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';
import { verifyWebhookSignature } from './webhookSignature';

/*
 * Monitoring webhooks end to end: a local receiver on 127.0.0.1 records what arrives; credential and
 * workflow failures are driven through the real proxy and worker; retry behaviour is driven by the
 * receiver's answers.
 */

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  at: number;
}

let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** Per path, the statuses to answer in turn (then 200). */
const script = new Map<string, Array<{ status: number; headers?: Record<string, string> }>>();

let provider: Awaited<ReturnType<typeof startFakeProvider>>;
let server: TestServer;

const hooks = (project: TestProject, method: string, rest = '', body?: unknown, token = project.apiKey) =>
  call(server, method, `/admin/projects/${project.projectId}/webhooks${rest}`, {
    token: token as string,
    ...(body !== undefined ? { body } : {}),
  });

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function finishedDelivery(project: TestProject, webhookId: string) {
  return until('a finished delivery', async () => {
    const res = await hooks(project, 'GET', `/${webhookId}/deliveries`);
    const delivery = res.body?.[0];
    return delivery && delivery.status !== 'pending' ? delivery : undefined;
  });
}

/** A project with one destination at `path` on the receiver; answers its id and secret. */
async function projectWithHook(path: string, kinds?: string[]) {
  const project = await server.createProject(`Hooks ${path}`);
  const created = await hooks(project, 'POST', '', {
    url: `${receiverUrl}${path}`,
    ...(kinds ? { kinds } : {}),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { project, id: created.body.id as string, secret: created.body.secret as string };
}

const failureEvent = (projectId: string) =>
  insertMonitoringEvent(server.db, {
    projectId,
    kind: 'credential.failure',
    payload: { reason: 'refresh_revoked', message: 'test' },
  });

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const path = request.url ?? '';
      received.push({
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      const next = script.get(path)?.shift() ?? { status: 200 };
      response.writeHead(next.status, next.headers ?? {}).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  provider = await startFakeProvider();
  server = await startTestServer({
    extraDefinitions: provider.definitions,
    webhooks: {
      pollMs: 50,
      baseDelayMs: 100,
      maxDelayMs: 5_000,
      maxAttempts: 4,
      timeoutMs: 2_000,
      allowHttp: true,
      allowPrivateAddresses: true,
    },
  });
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('destinations', () => {
  test('created with a secret shown once, listed without it; another project can neither list nor delete', async () => {
    const { project, id, secret } = await projectWithHook('/admin');
    expect(secret).toMatch(/^whsec_/);
    const listed = await hooks(project, 'GET');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      expect.objectContaining({ id, url: `${receiverUrl}/admin`, kinds: null, enabled: true }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const other = await server.createProject('Other');
    expect((await hooks(project, 'GET', '', undefined, other.apiKey)).status).toBe(404);
    expect((await hooks(project, 'DELETE', `/${id}`, undefined, other.apiKey)).status).toBe(404);
    expect((await hooks(other, 'DELETE', `/${id}`)).status).toBe(404);
    expect((await hooks(project, 'POST', '', { url: 'not a url' })).status).toBe(400);

    expect((await hooks(project, 'DELETE', `/${id}`)).status).toBe(204);
    expect((await hooks(project, 'GET')).body).toEqual([]);
  });
});

describe('delivery', () => {
  test('a credential failure (revoked refresh through the proxy) arrives signed', async () => {
    const { project, id, secret } = await projectWithHook('/credential', ['credential.failure']);
    await project.enable('fakeoauth');
    const user = await connectViaOAuth(server, project, 'revoked');
    await server.db
      .updateTable('credentials')
      .set({ dateValidUntil: new Date(Date.now() - 60_000) })
      .where('id', '=', user.credentialId)
      .execute();
    // The stored token set carries its own expiry; the refresher reads it from there.
    const row = await findCredentialSecrets(server.db, user.credentialId);
    const secrets = openCredentialSecrets(server.keyring, row!.sealed);
    if (secrets.kind !== 'oauth2') throw new Error('not an OAuth credential');
    const sealed = sealCredentialSecrets(server.keyring, {
      ...secrets,
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });
    await server.db
      .updateTable('credentialSecrets')
      .set({ sealed: sealed.sealed, keyId: sealed.keyId })
      .where('credentialId', '=', user.credentialId)
      .execute();
    provider.set({ tokenMode: 'invalid-grant' });
    const res = await rawRequest(
      server.url,
      'GET',
      `/projects/${project.projectId}/sdk/proxy/fakeoauth/echo/x`,
      { authorization: `Bearer ${user.token}` },
    );
    provider.set({ tokenMode: 'ok' });
    expect(res.status).toBe(401);

    const delivery = await finishedDelivery(project, id);
    expect(delivery).toMatchObject({
      status: 'delivered',
      attempts: 1,
      lastStatus: 200,
      kind: 'credential.failure',
    });
    const got = received.filter((r) => r.path === '/credential');
    expect(got).toHaveLength(1);
    const request = got[0]!;
    const signature = request.headers['x-switchboard-signature'] as string;
    const t = Number(/^t=(\d+),v1=[0-9a-f]{64}$/.exec(signature)?.[1]);
    expect(Math.abs(t - Date.now() / 1000)).toBeLessThan(30);
    expect(
      verifyWebhookSignature(secret, request.body, signature, {
        nowSeconds: Math.floor(Date.now() / 1000),
        toleranceSeconds: 300,
      }),
    ).toBe(true);
    expect(
      verifyWebhookSignature('whsec_wrong', request.body, signature, {
        nowSeconds: t,
        toleranceSeconds: 300,
      }),
    ).toBe(false);
    const body = JSON.parse(request.body);
    expect(body).toMatchObject({
      id: request.headers['x-switchboard-event-id'],
      kind: 'credential.failure',
      projectId: project.projectId,
      data: { credentialId: user.credentialId, integrationType: 'fakeoauth', reason: 'refresh_revoked' },
    });
    expect(request.headers['x-switchboard-event-kind']).toBe('credential.failure');
    expect(request.body).not.toMatch(/refresh-\d|access-\d/);
  });

  test('a workflow failure arrives with the execution, workflow, step and message', async () => {
    const { project, id } = await projectWithHook('/workflow', ['workflow.failure']);
    await project.enable('fakeoauth');
    const bob = await connectViaOAuth(server, project, 'bob');
    const created = await call(server, 'POST', `/admin/projects/${project.projectId}/workflows`, {
      token: project.apiKey as string,
      body: { integration: 'fakeoauth', description: 'Throws' },
    });
    expect(created.status).toBe(201);
    const deployed = await call(
      server,
      'POST',
      `/admin/projects/${project.projectId}/workflows/${created.body.id}/versions`,
      {
        token: project.apiKey as string,
        body: {
          integration: 'fakeoauth',
          description: 'Throws',
          trigger: { type: 'appEvent', event: 'Boom' },
          steps: [{ id: 'explode', type: 'function', code: '() => { throw new Error("kaboom") }' }],
        },
      },
    );
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    const enabled = await call(
      server,
      'POST',
      `/projects/${project.projectId}/sdk/workflows/${created.body.id}`,
      { token: bob.token },
    );
    expect(enabled.status).toBe(200);
    const sent = await call(server, 'POST', `/v2/projects/${project.projectId}/sdk/events/trigger`, {
      token: bob.token,
      body: { name: 'Boom', payload: {} },
    });
    expect(sent.status).toBe(201);
    const executionId = sent.body.executionIds[0] as string;

    const delivery = await finishedDelivery(project, id);
    expect(delivery).toMatchObject({ status: 'delivered', kind: 'workflow.failure' });
    const request = received.find((r) => r.path === '/workflow')!;
    expect(JSON.parse(request.body)).toMatchObject({
      kind: 'workflow.failure',
      data: {
        executionId,
        workflowId: created.body.id,
        stepId: 'explode',
        message: expect.stringContaining('kaboom'),
      },
    });
  });

  test('429 with Retry-After: 1 is retried after at least that wait, then delivered', async () => {
    const { project, id } = await projectWithHook('/busy');
    script.set('/busy', [{ status: 429, headers: { 'retry-after': '1' } }]);
    await failureEvent(project.projectId);
    const delivery = await finishedDelivery(project, id);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, lastStatus: 200 });
    const got = received.filter((r) => r.path === '/busy');
    expect(got).toHaveLength(2);
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(1_000);
  });

  test('500 twice then 200 is delivered on the third attempt', async () => {
    const { project, id } = await projectWithHook('/flaky');
    script.set('/flaky', [{ status: 500 }, { status: 503 }]);
    await failureEvent(project.projectId);
    const delivery = await finishedDelivery(project, id);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 200 });
  });

  test('400 fails at once; a receiver that keeps failing is given up after maxAttempts', async () => {
    const refused = await projectWithHook('/refuses');
    script.set('/refuses', [{ status: 400 }]);
    await failureEvent(refused.project.projectId);
    expect(await finishedDelivery(refused.project, refused.id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastStatus: 400,
      lastError: expect.stringMatching(/not retried/),
    });

    const down = await projectWithHook('/down');
    script.set(
      '/down',
      Array.from({ length: 4 }, () => ({ status: 502 })),
    );
    await failureEvent(down.project.projectId);
    expect(await finishedDelivery(down.project, down.id)).toMatchObject({
      status: 'failed',
      attempts: 4,
      lastStatus: 502,
      lastError: expect.stringMatching(/gave up after 4 attempts/),
    });
  });
});

describe('a non-development server', () => {
  test('requires https and refuses private addresses', async () => {
    const strict = await startTestServer({ webhooks: { pollMs: 50 } });
    try {
      const project = await strict.createProject('Strict');
      const plain = await call(strict, 'POST', `/admin/projects/${project.projectId}/webhooks`, {
        token: project.apiKey as string,
        body: { url: `${receiverUrl}/strict` },
      });
      expect(plain.status).toBe(400);
      expect(plain.body.message).toMatch(/https/);
      const created = await call(strict, 'POST', `/admin/projects/${project.projectId}/webhooks`, {
        token: project.apiKey as string,
        body: { url: 'https://127.0.0.1:9/strict' },
      });
      expect(created.status).toBe(201);
      await insertMonitoringEvent(strict.db, {
        projectId: project.projectId,
        kind: 'credential.failure',
        payload: {},
      });
      const delivery = await until('the refused delivery', async () => {
        const res = await call(
          strict,
          'GET',
          `/admin/projects/${project.projectId}/webhooks/${created.body.id}/deliveries`,
          { token: project.apiKey as string },
        );
        return res.body?.[0]?.status === 'failed' ? res.body[0] : undefined;
      });
      expect(delivery).toMatchObject({
        attempts: 1,
        lastStatus: null,
        lastError: expect.stringMatching(/public/),
      });
    } finally {
      await strict.close();
    }
  });
});
