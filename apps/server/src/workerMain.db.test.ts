import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IntegrationDefinitionInput } from '@switchboard/catalog';
import { createScratchDatabase } from '@switchboard/db/testing';
import { startRecordingServer } from '@switchboard/engine/testing/startRecordingServer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signUserToken } from './keys/signUserToken';
import { startFakeProvider } from './testing/fakeProvider';
import { runCliCaptured } from './testing/freshInstall';
import { spawnServerProcess } from './testing/spawnServerProcess';
import { spawnWorkerProcess } from './testing/spawnWorkerProcess';
import { call } from './testing/startTestServer';

/*
 * `switchboard worker`: refusals (one clear line, exit 1) and, on PostgreSQL, a real worker process
 * next to an API-only server: woken by NOTIFY when the server queues an execution (its polling is set
 * to a minute, so nothing else could find the work in time), and stopped gracefully by SIGTERM — in
 * the middle of a step too (the step's result is kept, the lease let go, nothing repeated).
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-worker-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('switchboard worker refuses to start', () => {
  test('on the embedded database: the server runs the worker; DATABASE_URL is needed for separate workers', async () => {
    const result = await runCliCaptured({ SWITCHBOARD_DATA_DIR: tempDir() }, 'worker');
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toMatch(
      /^switchboard: a separate worker needs DATABASE_URL: the embedded database in .* belongs to the one server process, which already runs the worker; set DATABASE_URL/,
    );
    expect(result.err).not.toContain('\n');
  });

  test("without the server's encryption key (no SWITCHBOARD_ENCRYPTION_KEY, no key file in the data directory)", async () => {
    const result = await runCliCaptured(
      { SWITCHBOARD_DATA_DIR: tempDir(), DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      'worker',
    );
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /^switchboard: a worker needs the server's encryption key: set SWITCHBOARD_ENCRYPTION_KEY/,
    );
    expect(result.err).not.toContain('\n');
  });

  test('when the database cannot be reached', async () => {
    const result = await runCliCaptured(
      {
        SWITCHBOARD_DATA_DIR: tempDir(),
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
        SWITCHBOARD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      },
      'worker',
    );
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /^switchboard: could not open the database at DATABASE_URL \(.*ECONNREFUSED.*\)$/,
    );
  });

  test('on bad tuning, naming the variable', async () => {
    const result = await runCliCaptured(
      {
        SWITCHBOARD_DATA_DIR: tempDir(),
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
        SWITCHBOARD_WORKER_LEASE_SECONDS: 'soon',
      },
      'worker',
    );
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^switchboard: invalid environment:\n {2}SWITCHBOARD_WORKER_LEASE_SECONDS: /);
  });

  test('the usage lists it', async () => {
    const result = await runCliCaptured({}, 'help');
    expect(result.out).toMatch(/^ {2}worker {2,}run workflow executions against DATABASE_URL/m);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('a worker process on PostgreSQL', () => {
  let provider: Awaited<ReturnType<typeof startFakeProvider>>;
  beforeAll(async () => {
    provider = await startFakeProvider();
    cleanups.push(() => provider.close());
  });

  test('runs what an API-only server queues, woken by NOTIFY at once; SIGTERM stops it cleanly', async () => {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL as string);
    cleanups.push(scratch.drop);
    const fakekey = provider.definitions.find((d) => d.type === 'fakekey');
    if (!fakekey) throw new Error('the fake provider has no fakekey entry');
    const entry: IntegrationDefinitionInput = { ...fakekey, type: 'workerkey', name: 'Worker Key' };
    const adminKey = `sba_${randomBytes(24).toString('base64url')}`;
    const env = {
      SWITCHBOARD_DATA_DIR: tempDir(),
      SWITCHBOARD_ADMIN_KEY: adminKey,
      SWITCHBOARD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SWITCHBOARD_DEVELOPMENT: '0',
      SWITCHBOARD_REFRESH_SWEEP_SECONDS: '0',
      DATABASE_URL: scratch.url,
      PORT: '0',
      LOG_LEVEL: 'warn',
    };
    const server = await spawnServerProcess({
      env: { ...env, SWITCHBOARD_WORKER: '0' },
      extraDefinitions: [entry],
    });
    cleanups.push(() => server.stop());
    // Polling once a minute: only a NOTIFY can get the execution run within the wait below.
    const worker = await spawnWorkerProcess({
      env: { ...env, SWITCHBOARD_WORKER_POLL_MS: '60000' },
      extraDefinitions: [entry],
    });
    cleanups.push(() => worker.stop());
    expect(worker.owner).toMatch(new RegExp(`:${worker.pid}:`));

    const admin = { token: adminKey };
    const project = await call(server, 'POST', '/admin/projects', { ...admin, body: { name: 'Worker' } });
    const projectId = project.body.projectId as string;
    const apiKey = { token: project.body.apiKey as string };
    const enabled = await call(server, 'POST', `/admin/projects/${projectId}/integrations`, {
      ...admin,
      body: { type: 'workerkey' },
    });
    const { token } = await signUserToken({
      privateKeyPem: project.body.signingKey,
      userId: 'worker-user',
      ttlSeconds: 600,
    });
    const installed = await call(server, 'POST', `/projects/${projectId}/sdk/credentials`, {
      token,
      body: { integrationId: enabled.body.id, payload: { apiKey: 'good-key' } },
    });
    expect(installed.status).toBe(201);
    const created = await call(server, 'POST', `/admin/projects/${projectId}/workflows`, {
      ...apiKey,
      body: { integration: 'workerkey', description: 'Notified' },
    });
    const workflowId = created.body.id as string;
    const deployed = await call(
      server,
      'POST',
      `/admin/projects/${projectId}/workflows/${workflowId}/versions`,
      {
        ...apiKey,
        body: {
          integration: 'workerkey',
          description: 'Notified',
          trigger: { type: 'appEvent', event: 'Ping' },
          steps: [
            {
              id: 'ping',
              type: 'integration',
              method: 'POST',
              path: '/echo/ping',
              body: { n: '{{trigger.n}}' },
            },
          ],
        },
      },
    );
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    expect(
      (await call(server, 'POST', `/projects/${projectId}/sdk/workflows/${workflowId}`, { token })).status,
    ).toBe(200);

    const sent = await call(server, 'POST', `/v2/projects/${projectId}/sdk/events/trigger`, {
      token,
      body: { name: 'Ping', payload: { n: 1 } },
    });
    expect(sent.status).toBe(201);
    const id = sent.body.executionIds[0] as string;
    let execution: { status: string; steps: Array<{ stepId: string; status: string }> } | undefined;
    for (let i = 0; i < 300 && execution?.status !== 'succeeded'; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      execution = (await call(server, 'GET', `/admin/projects/${projectId}/executions/${id}`, apiKey)).body;
    }
    expect(execution?.status, worker.output()).toBe('succeeded');
    expect(execution?.steps).toEqual([expect.objectContaining({ stepId: 'ping', status: 'succeeded' })]);
    const echoed = provider.log.echo.filter((e) => e.url === '/echo/ping');
    expect(echoed).toHaveLength(1);
    expect(echoed[0]?.headers['idempotency-key']).toBe(`${id}:ping`);

    await worker.stop();
    expect(worker.child.exitCode, worker.output()).toBe(0);
  }, 120_000);

  test('SIGTERM mid-step: the step finishes and is saved, the lease is let go, the next worker goes on without repeating it', async () => {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL as string);
    cleanups.push(scratch.drop);
    // The upstream holds `/hold` until the worker was told to stop.
    const upstream = await startRecordingServer();
    cleanups.push(() => upstream.close());
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    upstream.handle(async (request) => {
      if (request.path === '/verify') return { body: { account: 'graceful' } };
      if (request.path === '/hold') await released;
      return { body: { path: request.path } };
    });
    const fakekey = provider.definitions.find((d) => d.type === 'fakekey');
    if (!fakekey) throw new Error('the fake provider has no fakekey entry');
    const entry: IntegrationDefinitionInput = {
      ...fakekey,
      type: 'holdkey',
      name: 'Hold Key',
      api: { ...fakekey.api, baseUrl: upstream.url },
    };
    const adminKey = `sba_${randomBytes(24).toString('base64url')}`;
    const env = {
      SWITCHBOARD_DATA_DIR: tempDir(),
      SWITCHBOARD_ADMIN_KEY: adminKey,
      SWITCHBOARD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SWITCHBOARD_DEVELOPMENT: '0',
      SWITCHBOARD_REFRESH_SWEEP_SECONDS: '0',
      // An hour-long lease: the second worker can only take over because the first let go of it.
      SWITCHBOARD_WORKER_LEASE_SECONDS: '3600',
      DATABASE_URL: scratch.url,
      PORT: '0',
      LOG_LEVEL: 'warn',
    };
    const server = await spawnServerProcess({
      env: { ...env, SWITCHBOARD_WORKER: '0' },
      extraDefinitions: [entry],
    });
    cleanups.push(() => server.stop());
    const first = await spawnWorkerProcess({ env, extraDefinitions: [entry] });
    cleanups.push(() => first.stop());

    const admin = { token: adminKey };
    const project = await call(server, 'POST', '/admin/projects', { ...admin, body: { name: 'Graceful' } });
    const projectId = project.body.projectId as string;
    const apiKey = { token: project.body.apiKey as string };
    const enabled = await call(server, 'POST', `/admin/projects/${projectId}/integrations`, {
      ...admin,
      body: { type: 'holdkey' },
    });
    const { token } = await signUserToken({
      privateKeyPem: project.body.signingKey,
      userId: 'graceful-user',
      ttlSeconds: 600,
    });
    const installed = await call(server, 'POST', `/projects/${projectId}/sdk/credentials`, {
      token,
      body: { integrationId: enabled.body.id, payload: { apiKey: 'any' } },
    });
    expect(installed.status).toBe(201);
    const created = await call(server, 'POST', `/admin/projects/${projectId}/workflows`, {
      ...apiKey,
      body: { integration: 'holdkey', description: 'Graceful' },
    });
    const workflowId = created.body.id as string;
    const deployed = await call(
      server,
      'POST',
      `/admin/projects/${projectId}/workflows/${workflowId}/versions`,
      {
        ...apiKey,
        body: {
          integration: 'holdkey',
          description: 'Graceful',
          trigger: { type: 'appEvent', event: 'Hold' },
          steps: [
            { id: 'hold', type: 'integration', method: 'POST', path: '/hold', next: 'after' },
            { id: 'after', type: 'integration', method: 'POST', path: '/after' },
          ],
        },
      },
    );
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    await call(server, 'POST', `/projects/${projectId}/sdk/workflows/${workflowId}`, { token });
    const sent = await call(server, 'POST', `/v2/projects/${projectId}/sdk/events/trigger`, {
      token,
      body: { name: 'Hold', payload: {} },
    });
    const id = sent.body.executionIds[0] as string;
    const seen = (path: string) => upstream.requests.filter((r) => r.path === path);
    const until = async (what: string, done: () => boolean | Promise<boolean>) => {
      for (let i = 0; !(await done()); i++) {
        if (i > 600) throw new Error(`timed out waiting for ${what}; worker output:\n${first.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    await until('the held step to be in flight', () => seen('/hold').length === 1);

    // Told to stop while the step is in flight: it claims nothing more, lets the step finish, saves
    // it, lets go of the lease and exits 0 without starting the next step.
    first.child.kill('SIGTERM');
    await until('the worker to stop claiming', () => first.output().includes('{"stopping":true}'));
    release();
    await first.exited;
    expect(first.child.exitCode, first.output()).toBe(0);
    expect(seen('/after')).toHaveLength(0);
    const paused = (await call(server, 'GET', `/admin/projects/${projectId}/executions/${id}`, apiKey)).body;
    expect(paused.status).toBe('running');
    // `hold` saved as succeeded; `after` at most planned (a running record whose request was never sent).
    const steps = paused.steps as Array<{ stepId: string; status: string }>;
    expect(steps[0], JSON.stringify(steps)).toMatchObject({ stepId: 'hold', status: 'succeeded' });
    expect(steps.slice(1).every((step) => step.stepId === 'after' && step.status === 'running')).toBe(true);

    const second = await spawnWorkerProcess({ env, extraDefinitions: [entry] });
    cleanups.push(() => second.stop());
    await until(
      'the second worker to finish the execution',
      async () =>
        (await call(server, 'GET', `/admin/projects/${projectId}/executions/${id}`, apiKey)).body.status ===
        'succeeded',
    );
    expect(seen('/hold')).toHaveLength(1);
    expect(seen('/after')).toHaveLength(1);
    expect(seen('/after')[0]?.headers['idempotency-key']).toBe(`${id}:after`);
  }, 120_000);
});
