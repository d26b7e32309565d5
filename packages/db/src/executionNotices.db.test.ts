import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, describe, expect, test } from 'vitest';
import { recordAppEvent } from './appEvents';
import { upsertConnectedUser } from './connectedUsers';
import { executionsChannel, listenForQueuedExecutions, notifyExecutionsQueued } from './executionNotices';
import {
  claimExecutions,
  insertExecution,
  type NewExecution,
  releaseAllExecutionLeases,
  releaseExecutionLease,
} from './executions';
import { upsertIntegration } from './integrations';
import { insertProject } from './projects';
import { openTestDatabase } from './testing';
import { insertWorkflow } from './workflows';
import { insertWorkflowVersion } from './workflowVersions';

/*
 * The executions queue's cross-process wake-up: NOTIFY on commit wherever executions are queued or a
 * lease is let go, one LISTEN connection per worker that comes back when dropped, and the embedded
 * database's start-up release of every lease.
 */

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

async function fixture() {
  const opened = await openTestDatabase();
  closers.push(opened.close);
  const { db } = opened;
  const project = await insertProject(db, { id: randomUUID(), name: 'Acme' });
  const integration = await upsertIntegration(db, { id: randomUUID(), projectId: project.id, type: 'slack' });
  const user = await upsertConnectedUser(db, { id: randomUUID(), projectId: project.id, externalId: 'u' });
  const workflow = await insertWorkflow(db, {
    id: randomUUID(),
    projectId: project.id,
    integrationId: integration.id,
    description: 'W',
  });
  const version = await insertWorkflowVersion(db, {
    id: randomUUID(),
    workflowId: workflow.id,
    projectId: project.id,
    definition: { steps: [] },
  });
  const newExecution = (): NewExecution => ({
    id: randomUUID(),
    projectId: project.id,
    workflowId: workflow.id,
    workflowVersionId: version.id,
    integrationType: 'slack',
    connectedUserId: user.id,
    credentialId: null,
    triggerKind: 'appEvent',
    state: {},
  });
  return { db, url: opened.url, project, user, newExecution };
}

/** Waits (polling) until `done()`; fails with `what` after 15 s. */
async function until(what: string, done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1500; i++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('releasing leases', () => {
  test('at an embedded start every lease is let go at once, so executions resume without waiting for it to lapse', async () => {
    const { db, newExecution } = await fixture();
    const executions = [newExecution(), newExecution(), newExecution()];
    for (const e of executions) await insertExecution(db, e);
    // A worker that died holding hour-long leases on all three.
    expect(await claimExecutions(db, 'dead-worker', 3_600_000, 10)).toHaveLength(3);
    expect(await claimExecutions(db, 'new-worker', 30_000, 10)).toEqual([]);

    expect(await releaseAllExecutionLeases(db)).toBe(3);
    const resumed = await claimExecutions(db, 'new-worker', 30_000, 10);
    expect(resumed.map((e) => e.id).sort()).toEqual(executions.map((e) => e.id).sort());
    expect(resumed.every((e) => e.claims === 2)).toBe(true);
    expect(await releaseAllExecutionLeases(db)).toBe(3);
    expect(await releaseAllExecutionLeases(db)).toBe(0);
  });

  test("a stopping worker's release is compare-and-set on the owner", async () => {
    const { db, newExecution } = await fixture();
    const execution = newExecution();
    await insertExecution(db, execution);
    await claimExecutions(db, 'a', 3_600_000, 1);
    await releaseExecutionLease(db, execution.id, 'b'); // not b's: nothing happens
    expect(await claimExecutions(db, 'c', 30_000, 1)).toEqual([]);
    await releaseExecutionLease(db, execution.id, 'a');
    expect((await claimExecutions(db, 'c', 30_000, 1)).map((e) => e.id)).toEqual([execution.id]);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('LISTEN/NOTIFY (PostgreSQL)', () => {
  test('queuing notifies listening workers when the transaction commits, not before', async () => {
    const { db, url, project, user, newExecution } = await fixture();
    let notices = 0;
    const listener = listenForQueuedExecutions({ url: url as string, onNotice: () => notices++ });
    closers.push(listener.close);
    await until('the listener to connect (it reports a notice on connect)', () => notices === 1);

    await insertExecution(db, newExecution());
    await until('the notice of an insert', () => notices === 2);

    // Inside a transaction: nothing until commit. A marker notice sent by another session while the
    // transaction is open arrives alone; the queued executions' notice follows the commit.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inserted: () => void = () => {};
    const insertedInTransaction = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    const transaction = db.transaction().execute(async (trx) => {
      await insertExecution(trx, newExecution());
      await insertExecution(trx, newExecution());
      inserted();
      await held;
    });
    await insertedInTransaction;
    await sql`select pg_notify(${executionsChannel}, 'marker')`.execute(db);
    await until('the marker notice', () => notices >= 3);
    expect(notices).toBe(3);
    release();
    await transaction;
    await until("the committed transaction's notice", () => notices === 4);

    // An App Event's executions (recordAppEvent's own transaction).
    await recordAppEvent(
      db,
      {
        id: randomUUID(),
        projectId: project.id,
        connectedUserId: user.id,
        name: 'Contact Created',
        payload: {},
        idempotencyKey: null,
      },
      [newExecution(), newExecution()],
    );
    await until("the App Event's notice", () => notices === 5);

    // A rolled-back transaction tells nobody.
    await db
      .transaction()
      .execute(async (trx) => {
        await insertExecution(trx, newExecution());
        throw new Error('roll back');
      })
      .catch(() => {});
    await notifyExecutionsQueued(db);
    await until('the next notice', () => notices >= 6);
    expect(notices).toBe(6);
  });

  test('a dropped LISTEN connection is re-opened and reports a notice (anything sent meanwhile was lost)', async () => {
    const { db, url, newExecution } = await fixture();
    let notices = 0;
    const errors: unknown[] = [];
    const listener = listenForQueuedExecutions({
      url: url as string,
      onNotice: () => notices++,
      onError: (error) => errors.push(error),
      retryMs: 50,
    });
    closers.push(listener.close);
    await until('the listener to connect', () => notices === 1);

    const listening = async () =>
      (
        await sql<{ pid: number }>`select pid from pg_stat_activity
          where datname = current_database() and query ilike 'LISTEN%'`.execute(db)
      ).rows;
    const [backend] = await listening();
    expect(backend).toBeDefined();
    await sql`select pg_terminate_backend(${backend?.pid})`.execute(db);
    await until('the reconnect notice', () => notices === 2);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    const [again] = await listening();
    expect(again?.pid).not.toBe(backend?.pid);

    await insertExecution(db, newExecution());
    await until('a notice on the new connection', () => notices === 3);

    await listener.close();
    expect(await listening()).toEqual([]);
  });
});
