import { openDatabase } from '@switchboard/db';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFakeProvider } from '../testing/fakeProvider';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';
import { createWorkflowScheduler } from './createWorkflowScheduler';

/*
 * The Schedule trigger over real HTTP: an enabled user's interval workflow runs again and again and
 * stops once disabled; two schedulers on one database (separate connections on PostgreSQL) never
 * queue two executions for the same scheduled instant.
 */

let provider: Awaited<ReturnType<typeof startFakeProvider>>;
let server: TestServer;
let project: TestProject;

const admin = (method: string, path: string, body?: unknown) =>
  call(server, method, `/admin/projects/${project.projectId}${path}`, {
    token: project.apiKey,
    ...(body !== undefined ? { body } : {}),
  });

async function deploySchedule(description: string, trigger: Record<string, unknown>): Promise<string> {
  const created = await admin('POST', '/workflows', { integration: 'fakekey', description });
  expect(created.status).toBe(201);
  const deployed = await admin('POST', `/workflows/${created.body.id}/versions`, {
    integration: 'fakekey',
    description,
    trigger: { type: 'schedule', ...trigger },
    steps: [
      { id: 'tick', type: 'function', code: '(input) => input', input: { at: '{{trigger.scheduledAt}}' } },
    ],
  });
  expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
  return created.body.id as string;
}

async function install(sub: string): Promise<string> {
  const token = await project.token(sub);
  const installed = await call(server, 'POST', `/projects/${project.projectId}/sdk/credentials`, {
    token,
    body: { integrationId: await project.integrationId('fakekey'), payload: { apiKey: 'good-key' } },
  });
  expect(installed.status, JSON.stringify(installed.body)).toBe(201);
  return token;
}

const countOf = async (workflowId: string) =>
  Number(
    (
      await server.db
        .selectFrom('executions')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('workflowId', '=', workflowId)
        .executeTakeFirstOrThrow()
    ).n,
  );

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never: ${what}`);
}

beforeAll(async () => {
  provider = await startFakeProvider();
  server = await startTestServer({
    extraDefinitions: provider.definitions,
    workflows: { schedulerIntervalMs: 100 },
  });
  project = await server.createProject('Schedules');
  await project.enable('fakekey');
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
});

describe('Schedule trigger', () => {
  test('every second for an enabled user, in task history, and nothing more once disabled', async () => {
    // everySeconds is at least 60 (the contract); a 6-field cron fires every second.
    const workflowId = await deploySchedule('Every second', { cron: '* * * * * *' });
    const token = await install('sam');
    await install('idle'); // connected, never enables: never runs
    const enabled = await call(server, 'POST', `/projects/${project.projectId}/sdk/workflows/${workflowId}`, {
      token,
    });
    expect(enabled.status).toBe(200);

    const runs = await until('three scheduled runs succeeded', async () => {
      const res = await admin('GET', `/executions?workflowId=${workflowId}&status=succeeded`);
      return res.body.executions.length >= 3
        ? (res.body.executions as { id: string; userId: string }[])
        : undefined;
    });
    expect(new Set(runs.map((r) => r.userId))).toEqual(new Set(['sam']));
    const instants = await Promise.all(
      runs.map(async (r) => (await admin('GET', `/executions/${r.id}`)).body.trigger.scheduledAt as string),
    );
    expect(new Set(instants).size).toBe(instants.length);
    for (const at of instants) expect(Number.isNaN(Date.parse(at))).toBe(false);

    const disabled = await call(
      server,
      'DELETE',
      `/projects/${project.projectId}/sdk/workflows/${workflowId}`,
      { token },
    );
    expect(disabled.status).toBe(200);
    await until('the schedule is dropped', async () => {
      const row = await server.db
        .selectFrom('workflowSchedules')
        .select('workflowId')
        .where('workflowId', '=', workflowId)
        .executeTakeFirst();
      return row ? undefined : true;
    });
    const stoppedAt = await countOf(workflowId);
    // Ten scheduler passes (100 ms apart) and two scheduled instants later, still nothing new.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await countOf(workflowId)).toBe(stoppedAt);
  });

  test('two schedulers on one database queue one execution per scheduled instant', async () => {
    const workflowId = await deploySchedule('Contended', { everySeconds: 60 });
    const token = await install('racer');
    await call(server, 'POST', `/projects/${project.projectId}/sdk/workflows/${workflowId}`, { token });
    // Separate connection pools on PostgreSQL; the same in-memory database on PGlite.
    const url = server.databaseUrl;
    const other = url ? await openDatabase({ kind: 'postgres', url }) : undefined;
    // The server's own scheduler creates the schedule (first instant a minute from now); the two
    // under test then run on a clock that steps a minute at a time from just before that instant.
    const first = await until(
      'the schedule exists',
      async () =>
        (
          await server.db
            .selectFrom('workflowSchedules')
            .select('nextRunAt')
            .where('workflowId', '=', workflowId)
            .executeTakeFirst()
        )?.nextRunAt,
    );
    let clock = first.getTime() - 30_000;
    const logger = pino({ level: 'silent' });
    const make = (db: typeof server.db) =>
      createWorkflowScheduler({ db, logger, now: () => new Date(clock) });
    const a = make(server.db);
    const b = make(other?.db ?? server.db);
    try {
      for (let minute = 1; minute <= 12; minute++) {
        clock += 60_000;
        await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
      }
    } finally {
      await other?.close();
    }
    const rows = await server.db
      .selectFrom('executions')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('workflowId', '=', workflowId)
      .executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(12);
    const res = await admin('GET', `/executions?workflowId=${workflowId}&limit=50`);
    const instants = await Promise.all(
      res.body.executions.map(
        async (r: { id: string }) =>
          (await admin('GET', `/executions/${r.id}`)).body.trigger.scheduledAt as string,
      ),
    );
    expect(new Set(instants).size).toBe(12);
  });
});
