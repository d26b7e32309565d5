import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signUserToken } from '../keys/signUserToken';
import { startFakeProvider } from '../testing/fakeProvider';
import { type ServerProcess, spawnServerProcess } from '../testing/spawnServerProcess';
import { call } from '../testing/startTestServer';

/*
 * A delay step is durable: its wake-up time is in the saved execution state, nothing waits in memory.
 * A real server process (on its PGlite data directory, or on the scratch PostgreSQL database in the
 * PostgreSQL pass) starts an execution that waits in a delay; the process is killed with SIGKILL while
 * it waits; a new process on the same database finishes the execution, once: the step before the delay
 * is not run again, the step after it runs exactly once, and not before the delay's end.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

let provider: Awaited<ReturnType<typeof startFakeProvider>>;
beforeAll(async () => {
  provider = await startFakeProvider();
  cleanups.push(() => provider.close());
});

/** A production-like environment shared by both processes: same data dir (or database) and keys. */
async function serverEnv(): Promise<Record<string, string>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-delay-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const env: Record<string, string> = {
    SWITCHBOARD_DATA_DIR: dataDir,
    SWITCHBOARD_ADMIN_KEY: `sba_${randomBytes(24).toString('base64url')}`,
    SWITCHBOARD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SWITCHBOARD_DEVELOPMENT: '0',
    PORT: '0',
    LOG_LEVEL: 'warn',
  };
  if (process.env.DATABASE_URL) {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL);
    cleanups.push(scratch.drop);
    env.DATABASE_URL = scratch.url;
  }
  return env;
}

async function killed(server: ServerProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) resolve();
    else server.child.once('exit', () => resolve());
  });
  server.kill('SIGKILL');
  await exited;
}

type StepView = {
  stepId: string;
  status: string;
  attempt: number;
  startedAt: string;
  wakeAt?: string;
  output?: unknown;
};
type ExecutionView = { status: string; claims: number; steps: StepView[] };

describe('a delay survives a kill -9 of the server process', () => {
  test('the execution finishes once on the restarted process, after the delay, without re-running earlier steps', async () => {
    const env = await serverEnv();
    const fakekey = provider.definitions.find((d) => d.type === 'fakekey');
    if (!fakekey) throw new Error('the fake provider has no fakekey entry');
    let server = await spawnServerProcess({ env, extraDefinitions: [fakekey] });
    cleanups.push(() => server.stop());
    const adminKey = { token: env.SWITCHBOARD_ADMIN_KEY as string };

    // A project, the user's API-key credential, and a workflow: step → 4 s delay → step.
    const project = await call(server, 'POST', '/admin/projects', { ...adminKey, body: { name: 'Delay' } });
    expect(project.status).toBe(201);
    const projectId = project.body.projectId as string;
    const enabled = await call(server, 'POST', `/admin/projects/${projectId}/integrations`, {
      ...adminKey,
      body: { type: 'fakekey' },
    });
    expect(enabled.status).toBe(200);
    const { token } = await signUserToken({
      privateKeyPem: project.body.signingKey,
      userId: 'dora',
      ttlSeconds: 600,
    });
    const installed = await call(server, 'POST', `/projects/${projectId}/sdk/credentials`, {
      token,
      body: { integrationId: enabled.body.id, payload: { apiKey: 'good-key' } },
    });
    expect(installed.status).toBe(201);
    const created = await call(server, 'POST', `/admin/projects/${projectId}/workflows`, {
      ...adminKey,
      body: { integration: 'fakekey', description: 'Wait and follow up' },
    });
    expect(created.status).toBe(201);
    const workflowId = created.body.id as string;
    const deployed = await call(
      server,
      'POST',
      `/admin/projects/${projectId}/workflows/${workflowId}/versions`,
      {
        ...adminKey,
        body: {
          integration: 'fakekey',
          description: 'Wait and follow up',
          trigger: { type: 'appEvent', event: 'Signed up' },
          steps: [
            {
              id: 'before',
              type: 'integration',
              method: 'POST',
              path: '/echo/delay/before',
              body: { who: '{{trigger.who}}' },
              next: 'wait',
            },
            { id: 'wait', type: 'delay', seconds: 4, next: 'after' },
            {
              id: 'after',
              type: 'integration',
              method: 'POST',
              path: '/echo/delay/after',
              body: { who: '{{trigger.who}}', waitedUntil: '{{steps.wait.output.until}}' },
            },
          ],
        },
      },
    );
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    const on = await call(server, 'POST', `/projects/${projectId}/sdk/workflows/${workflowId}`, { token });
    expect(on.status).toBe(200);

    const sent = await call(server, 'POST', `/v2/projects/${projectId}/sdk/events/trigger`, {
      token,
      body: { name: 'Signed up', payload: { who: 'dora' } },
    });
    expect(sent.status).toBe(201);
    const executionId = sent.body.executionIds[0] as string;
    const execution = async (): Promise<ExecutionView> => {
      const res = await call(
        server,
        'GET',
        `/admin/projects/${projectId}/executions/${executionId}`,
        adminKey,
      );
      expect(res.status).toBe(200);
      return res.body;
    };

    // Wait (a bound, not a timing check) until the execution is saved as waiting in its delay.
    let waiting: ExecutionView | undefined;
    for (let i = 0; i < 400; i++) {
      const current = await execution();
      if (
        current.status === 'waiting' &&
        current.steps.some((s) => s.stepId === 'wait' && s.status === 'waiting')
      ) {
        waiting = current;
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    if (!waiting)
      throw new Error(`the execution never waited in its delay: ${JSON.stringify(await execution())}`);
    const wakeAt = waiting.steps.find((s) => s.stepId === 'wait')?.wakeAt as string;
    expect(Date.parse(wakeAt)).toBeGreaterThan(Date.now() - 60_000);

    await killed(server);
    const echoes = (path: string) => provider.log.echo.filter((r) => r.url === path);
    expect(echoes('/echo/delay/before')).toHaveLength(1);
    expect(echoes('/echo/delay/after')).toHaveLength(0);

    // A new process on the same database (data dir or PostgreSQL) picks the execution up when it wakes.
    server = await spawnServerProcess({ env, extraDefinitions: [fakekey] });
    let done: ExecutionView | undefined;
    for (let i = 0; i < 600; i++) {
      const current = await execution();
      if (current.status === 'succeeded' || current.status === 'failed') {
        done = current;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!done)
      throw new Error(`the execution did not finish after the restart: ${JSON.stringify(await execution())}`);
    expect(done.status).toBe('succeeded');
    const steps = Object.fromEntries(done.steps.map((s) => [s.stepId, s]));
    expect(steps.before).toMatchObject({ status: 'succeeded', attempt: 1 });
    expect(steps.wait).toMatchObject({ status: 'succeeded', output: { until: wakeAt } });
    expect(steps.after).toMatchObject({ status: 'succeeded', attempt: 1, output: { status: 200 } });
    // The follow-up ran after the delay's end, not when the process came back.
    expect(Date.parse(steps.after?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(wakeAt));

    // Each side effect happened once, with its step's idempotency key.
    expect(echoes('/echo/delay/before')).toHaveLength(1);
    const after = echoes('/echo/delay/after');
    expect(after).toHaveLength(1);
    expect(after[0]?.headers['idempotency-key']).toBe(`${executionId}:after`);
    expect(after[0]?.headers['x-api-key']).toBe('good-key');
    expect(JSON.parse(after[0]?.body.toString('utf8') ?? '')).toEqual({ who: 'dora', waitedUntil: wakeAt });
    await server.stop();
    expect(server.child.exitCode).toBe(0);
  }, 180_000);
});
