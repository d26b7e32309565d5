import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IntegrationDefinitionInput } from '@switchboard/catalog';
import { type Execution, openDatabase, withStepRecords } from '@switchboard/db';
import { createScratchDatabase } from '@switchboard/db/testing';
import { type ExecutionState, executionStateSchema } from '@switchboard/engine';
import { startRecordingServer } from '@switchboard/engine/testing/startRecordingServer';
import { afterAll, describe, expect, test } from 'vitest';
import { dataDirPaths } from '../dataDir';
import { signUserToken } from '../keys/signUserToken';
import { startFakeProvider } from '../testing/fakeProvider';
import { type ServerProcess, spawnServerProcess } from '../testing/spawnServerProcess';
import { spawnWorkerProcess, type WorkerProcess } from '../testing/spawnWorkerProcess';
import { call } from '../testing/startTestServer';

/*
 * Issue 5, durability: 500 executions of a three-step workflow whose every step has a side effect
 * upstream (an integration step through the proxy to a local API that records each request with its
 * Idempotency-Key and arrival time). The process running them is killed with SIGKILL at random moments
 * several times and replaced:
 * - PostgreSQL pass: an API server (SWITCHBOARD_WORKER=0) and two `switchboard worker` processes on
 *   short leases; a random worker is killed and a new one started, four times.
 * - PGlite pass (embedded): the server runs the worker itself, so the server is killed and restarted
 *   on the same data directory, four times (its leases are released at start).
 * Then: every execution succeeded; the upstream saw every (execution, step) exactly under its key;
 * a key seen more than once only for steps cut off by a kill (bounded by kills × concurrency); no
 * request for a step ever arrived after that step's result was saved (completed steps never re-run);
 * and each step began only after the previous one had finished.
 */

const EXECUTIONS = 500;
const STEPS = ['first', 'second', 'third'] as const;
const KILLS = 4;
const CONCURRENCY = 8;
const TEST_TIMEOUT_MS = 420_000;

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `done()` every few ms until true; fails with `what` after `timeoutMs`. */
async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 240_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(3);
  }
}

interface Arrival {
  key: string;
  path: string;
  at: number;
}

/**
 * The upstream API: `/verify` accepts the key `good-key`; `/steps/<id>` records the request and answers
 * after a few milliseconds (so kills find steps in flight). Until `open()`, step requests are held, so
 * all executions are queued before the work (and the kills) begin.
 */
async function startUpstream() {
  const server = await startRecordingServer();
  cleanups.push(() => server.close());
  const arrivals: Arrival[] = [];
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  server.handle(async (request) => {
    if (request.path === '/verify')
      return request.headers['x-api-key'] === 'good-key'
        ? { body: { account: 'crash-account' } }
        : { status: 401, body: { error: 'bad key' } };
    const key = request.headers['idempotency-key'];
    arrivals.push({ key: typeof key === 'string' ? key : '', path: request.path, at: Date.now() });
    await gate;
    return { body: { step: request.path }, delayMs: 2 + Math.floor(Math.random() * 20) };
  });
  return { url: server.url, arrivals, open };
}

/** An API-key entry (the fake provider's) whose API is the recording upstream. */
async function crashEntry(upstreamUrl: string): Promise<IntegrationDefinitionInput> {
  const provider = await startFakeProvider();
  cleanups.push(() => provider.close());
  const fakekey = provider.definitions.find((d) => d.type === 'fakekey');
  if (!fakekey) throw new Error('the fake provider has no fakekey entry');
  return { ...fakekey, type: 'crashapi', name: 'Crash API', api: { ...fakekey.api, baseUrl: upstreamUrl } };
}

const workflow = {
  integration: 'crashapi',
  description: 'Three side effects',
  trigger: { type: 'appEvent', event: 'Crash' },
  steps: STEPS.map((id, index) => ({
    id,
    type: 'integration',
    method: 'POST',
    path: `/steps/${id}`,
    body: { n: '{{trigger.n}}' },
    ...(index < STEPS.length - 1 ? { next: STEPS[index + 1] } : {}),
  })),
};

/** A project with the crash entry, one user with an API-key credential, the workflow enabled for them. */
async function setUp(server: { url: string }, adminKey: string) {
  const admin = { token: adminKey };
  const project = await call(server, 'POST', '/admin/projects', { ...admin, body: { name: 'Crash' } });
  expect(project.status).toBe(201);
  const projectId = project.body.projectId as string;
  const apiKey = { token: project.body.apiKey as string };
  const enabled = await call(server, 'POST', `/admin/projects/${projectId}/integrations`, {
    ...admin,
    body: { type: 'crashapi' },
  });
  expect(enabled.status).toBe(200);
  const { token } = await signUserToken({
    privateKeyPem: project.body.signingKey,
    userId: 'crash-user',
    ttlSeconds: 3600,
  });
  const installed = await call(server, 'POST', `/projects/${projectId}/sdk/credentials`, {
    token,
    body: { integrationId: enabled.body.id, payload: { apiKey: 'good-key' } },
  });
  expect(installed.status, JSON.stringify(installed.body)).toBe(201);
  const created = await call(server, 'POST', `/admin/projects/${projectId}/workflows`, {
    ...apiKey,
    body: { integration: 'crashapi', description: 'Crash' },
  });
  expect(created.status).toBe(201);
  const workflowId = created.body.id as string;
  const deployed = await call(
    server,
    'POST',
    `/admin/projects/${projectId}/workflows/${workflowId}/versions`,
    {
      ...apiKey,
      body: workflow,
    },
  );
  expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
  const on = await call(server, 'POST', `/projects/${projectId}/sdk/workflows/${workflowId}`, { token });
  expect(on.status).toBe(200);
  return { projectId, apiKey, token };
}

/** Sends the App Events (16 at a time); each starts one execution. */
async function sendEvents(server: { url: string }, projectId: string, token: string): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < EXECUTIONS) {
        const n = next++;
        const sent = await call(server, 'POST', `/v2/projects/${projectId}/sdk/events/trigger`, {
          token,
          body: { name: 'Crash', payload: { n } },
        });
        expect(sent.status).toBe(201);
        expect(sent.body.executionIds).toHaveLength(1);
        ids.push(sent.body.executionIds[0]);
      }
    }),
  );
  return ids;
}

/** Upstream request counts at which to kill: one at a random point in each fifth of the work. */
function killPoints(): number[] {
  const total = EXECUTIONS * STEPS.length;
  const span = total / (KILLS + 1);
  return Array.from({ length: KILLS }, (_, k) => Math.floor(span * (k + 0.5 + Math.random())));
}

function waitForExit(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => child.once('exit', () => resolve()));
}

/** Everything issue 5 promises, checked against the stored executions and the upstream's record. */
function assertDurable(rows: Execution[], expectedIds: string[], arrivals: Arrival[], kills: number) {
  expect(rows).toHaveLength(EXECUTIONS);
  expect(rows.map((r) => r.id).sort()).toEqual([...expectedIds].sort());
  const notSucceeded = rows.filter((r) => r.status !== 'succeeded');
  expect(notSucceeded.map((r) => `${r.id} ${r.status}`)).toEqual([]);
  expect(rows.filter((r) => r.leaseOwner !== null).map((r) => `${r.id} ${r.leaseOwner}`)).toEqual([]);
  // The kills interrupted work: some executions were claimed again after their worker died.
  expect(Math.max(...rows.map((r) => r.claims)), 'most claims of one execution').toBeGreaterThan(1);

  const byKey = new Map<string, Arrival[]>();
  for (const arrival of arrivals) {
    const list = byKey.get(arrival.key) ?? [];
    list.push(arrival);
    byKey.set(arrival.key, list);
  }
  const expectedKeys: string[] = [];
  for (const row of rows) {
    const state: ExecutionState = executionStateSchema.parse(row.state);
    let previousFinishedAt = 0;
    for (const stepId of STEPS) {
      const step = state.steps[stepId];
      const key = `${row.id}:${stepId}`;
      expectedKeys.push(key);
      expect(step?.status).toBe('succeeded');
      expect(step?.idempotencyKey).toBe(key);
      const finishedAt = Date.parse(step?.finishedAt ?? '');
      const seen = byKey.get(key) ?? [];
      expect(seen.length, `requests for ${key}`).toBeGreaterThanOrEqual(1);
      // The step's own path every time, and at most one extra attempt per kill.
      expect(seen.every((a) => a.path === `/steps/${stepId}`)).toBe(true);
      expect(seen.length).toBeLessThanOrEqual(1 + kills);
      // Completed steps never re-run: no request for the step after its result was saved, and the
      // step began only after the previous step had finished (its result saved first).
      const late = seen.filter((a) => a.at > finishedAt);
      expect(late, `requests for ${key} after it finished at ${step?.finishedAt}`).toEqual([]);
      expect(Math.min(...seen.map((a) => a.at))).toBeGreaterThanOrEqual(previousFinishedAt);
      previousFinishedAt = finishedAt;
    }
  }
  // Every side effect, under exactly the expected keys; repeats only for steps a kill cut off.
  expect([...byKey.keys()].sort()).toEqual(expectedKeys.sort());
  const repeats = arrivals.length - expectedKeys.length;
  expect(repeats).toBeGreaterThanOrEqual(0);
  expect(repeats).toBeLessThanOrEqual(kills * CONCURRENCY);
  return { repeats };
}

function baseEnv(dataDir: string) {
  return {
    SWITCHBOARD_DATA_DIR: dataDir,
    SWITCHBOARD_ADMIN_KEY: `sba_${randomBytes(24).toString('base64url')}`,
    SWITCHBOARD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SWITCHBOARD_DEVELOPMENT: '0',
    SWITCHBOARD_REFRESH_SWEEP_SECONDS: '0',
    SWITCHBOARD_WEBHOOKS: '0',
    SWITCHBOARD_WORKER_CONCURRENCY: String(CONCURRENCY),
    SWITCHBOARD_WORKER_POLL_MS: '250',
    PORT: '0',
    LOG_LEVEL: 'warn',
  };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-crash-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('crash test (issue 5)', () => {
  test.skipIf(!process.env.DATABASE_URL)(
    'PostgreSQL: kill -9 worker processes at random moments; every execution completes, every side effect once',
    async () => {
      const scratch = await createScratchDatabase(process.env.DATABASE_URL as string);
      cleanups.push(scratch.drop);
      const upstream = await startUpstream();
      const entry = await crashEntry(upstream.url);
      const env = { ...baseEnv(tempDir()), DATABASE_URL: scratch.url };
      const server = await spawnServerProcess({
        env: { ...env, SWITCHBOARD_WORKER: '0' },
        extraDefinitions: [entry],
      });
      cleanups.push(() => server.stop());
      // Short leases: a killed worker's executions resume within seconds.
      const workerEnv = { ...env, SWITCHBOARD_WORKER_LEASE_SECONDS: '3' };
      const workers: WorkerProcess[] = [];
      const startWorker = async () => {
        const worker = await spawnWorkerProcess({ env: workerEnv, extraDefinitions: [entry] });
        cleanups.push(() => worker.stop());
        workers.push(worker);
        return worker;
      };
      await Promise.all([startWorker(), startWorker()]);

      const { db, close } = await openDatabase({ kind: 'postgres', url: scratch.url, maxConnections: 2 });
      cleanups.push(close);
      // Which workers held leases while the work ran (several processes share it).
      const owners = new Set<string>();
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const rows = await db
            .selectFrom('executions')
            .select('leaseOwner')
            .distinct()
            .where('leaseOwner', 'is not', null)
            .execute();
          for (const r of rows) if (r.leaseOwner) owners.add(r.leaseOwner);
          await sleep(50);
        }
      })();

      const { projectId, token } = await setUp(server, env.SWITCHBOARD_ADMIN_KEY);
      const ids = await sendEvents(server, projectId, token);
      upstream.open();

      let kills = 0;
      for (const point of killPoints()) {
        await until(`upstream request ${point}`, () => upstream.arrivals.length >= point);
        await sleep(Math.random() * 20);
        const alive = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
        const victim = alive[Math.floor(Math.random() * alive.length)];
        if (!victim) throw new Error('no live worker to kill');
        await victim.kill('SIGKILL');
        kills += 1;
        await startWorker();
      }

      await until(
        'every execution to finish',
        async () =>
          (
            await db
              .selectFrom('executions')
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .where('status', 'in', ['succeeded', 'failed'])
              .executeTakeFirstOrThrow()
          ).n === String(EXECUTIONS),
      );
      sampling = false;
      await sampler;
      const rows = await withStepRecords(db, await db.selectFrom('executions').selectAll().execute());
      assertDurable(rows, ids, upstream.arrivals, kills);
      expect(kills).toBe(KILLS);
      expect([...owners].filter((o) => workers.some((w) => w.owner === o)).length).toBeGreaterThanOrEqual(2);
      expect(workers.filter((w) => w.child.signalCode === 'SIGKILL')).toHaveLength(KILLS);

      // The survivors stop gracefully (SIGTERM: exit 0).
      for (const worker of workers) await worker.stop();
      expect(workers.filter((w) => w.child.exitCode === 0)).toHaveLength(2);
    },
    TEST_TIMEOUT_MS,
  );

  test.skipIf(!!process.env.DATABASE_URL)(
    'embedded PGlite: kill -9 the server (worker inside) at random moments and restart it on the same data directory',
    async () => {
      const upstream = await startUpstream();
      const entry = await crashEntry(upstream.url);
      const dataDir = tempDir();
      // Hour-long leases: the work can only go on after a kill because the restarted server releases
      // the leases its dead predecessor held (the data directory is one process's).
      const env = { ...baseEnv(dataDir), SWITCHBOARD_WORKER_LEASE_SECONDS: '3600' };
      let server: ServerProcess = await spawnServerProcess({ env, extraDefinitions: [entry] });
      cleanups.push(() => server.stop());
      const { projectId, apiKey, token } = await setUp(server, env.SWITCHBOARD_ADMIN_KEY);
      const ids = await sendEvents(server, projectId, token);
      upstream.open();

      let kills = 0;
      for (const point of killPoints()) {
        await until(`upstream request ${point}`, () => upstream.arrivals.length >= point);
        await sleep(Math.random() * 20);
        server.kill('SIGKILL');
        await waitForExit(server.child);
        kills += 1;
        server = await spawnServerProcess({ env, extraDefinitions: [entry] });
      }

      await until('every execution to finish', async () => {
        const page = await call(
          server,
          'GET',
          `/admin/projects/${projectId}/executions?status=succeeded&limit=${EXECUTIONS}`,
          apiKey,
        );
        return page.status === 200 && page.body.executions.length === EXECUTIONS;
      });
      await server.stop();
      expect(server.child.exitCode).toBe(0);

      // The server is gone: read its data directory directly.
      const { db, close } = await openDatabase({ kind: 'pglite', dataDir: dataDirPaths(dataDir).pglite });
      try {
        const rows = await withStepRecords(db, await db.selectFrom('executions').selectAll().execute());
        assertDurable(rows, ids, upstream.arrivals, kills);
        expect(kills).toBe(KILLS);
      } finally {
        await close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
