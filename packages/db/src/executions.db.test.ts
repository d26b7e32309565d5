import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { createAppEventRecorder, recordAppEvent } from './appEvents';
import { upsertConnectedUser } from './connectedUsers';
import {
  claimExecutions,
  findExecution,
  insertExecution,
  listExecutions,
  type NewExecution,
  saveExecutionState,
} from './executions';
import { upsertIntegration } from './integrations';
import { insertProject } from './projects';
import { openTestDatabase } from './testing';
import { insertWorkflow } from './workflows';
import { insertWorkflowVersion, listLatestWorkflowVersions } from './workflowVersions';

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
    definition: { steps: [{ id: 'find_contact' }] },
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
    state: { steps: { find_contact: { first_name: 'x' } } },
  });
  return { db, project, user, workflow, version, newExecution };
}

describe('workflow versions', () => {
  test('concurrent deploys get consecutive numbers; JSON keys are kept as written', async () => {
    const { db, project, workflow } = await fixture();
    const deployed = await Promise.all(
      Array.from({ length: 5 }, () =>
        insertWorkflowVersion(db, {
          id: randomUUID(),
          workflowId: workflow.id,
          projectId: project.id,
          definition: { step_ids: ['a_b'] },
        }),
      ),
    );
    expect(deployed.map((v) => v.version).sort()).toEqual([2, 3, 4, 5, 6]);
    const latest = await listLatestWorkflowVersions(db, project.id);
    expect(latest).toHaveLength(1);
    expect(latest[0]?.version).toBe(6);
    expect(latest[0]?.definition).toEqual({ step_ids: ['a_b'] });
  });
});

describe('executions', () => {
  test('concurrent claims never hand out one execution twice; a live lease blocks, a lapsed one does not', async () => {
    const { db, project, newExecution } = await fixture();
    const ids = [];
    for (let i = 0; i < 12; i++) {
      const e = newExecution();
      ids.push(e.id);
      await insertExecution(db, e);
    }
    const claims = await Promise.all(['a', 'b', 'c', 'd'].map((owner) => claimExecutions(db, owner, 200, 5)));
    const claimed = claims.flat().map((e) => e.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.length).toBe(12);
    expect(await claimExecutions(db, 'e', 200, 20)).toEqual([]);

    const first = claims.flat()[0];
    if (!first) throw new Error('nothing claimed');
    const owner = first.leaseOwner as string;
    const save = (who: string) =>
      saveExecutionState(db, {
        id: first.id,
        owner: who,
        leaseMs: 200,
        state: { steps: { find_contact: { done: true } } },
        status: 'running',
        wakeAt: null,
        finishedAt: null,
        release: false,
      });
    expect(await save('someone-else')).toBe(false);
    expect(await save(owner)).toBe(true);
    const stored = await findExecution(db, project.id, first.id);
    expect(stored?.state).toEqual({ steps: { find_contact: { done: true } } });

    await new Promise((r) => setTimeout(r, 300));
    const retaken = await claimExecutions(db, 'f', 200, 20);
    expect(retaken).toHaveLength(12);
    expect(retaken.find((e) => e.id === first.id)?.claims).toBe(2);
    expect(await save(owner)).toBe(false);
  });

  test('a waiting execution is claimable only once its wake-up time has come', async () => {
    const { db, newExecution } = await fixture();
    const e = newExecution();
    await insertExecution(db, e);
    const [claimed] = await claimExecutions(db, 'a', 10_000, 1);
    expect(claimed?.id).toBe(e.id);
    const wait = (wakeAt: Date) =>
      saveExecutionState(db, {
        id: e.id,
        owner: 'a',
        leaseMs: 10_000,
        state: {},
        status: 'waiting',
        wakeAt,
        finishedAt: null,
        release: true,
      });
    expect(await wait(new Date(Date.now() + 60_000))).toBe(true);
    expect(await claimExecutions(db, 'b', 10_000, 1)).toEqual([]);
    await db
      .updateTable('executions')
      .set({ wakeAt: new Date(Date.now() - 1) })
      .execute();
    const [again] = await claimExecutions(db, 'b', 10_000, 1);
    expect(again?.id).toBe(e.id);
  });

  test('an App Event and its executions are stored together; a repeated key stores nothing', async () => {
    const { db, project, user, newExecution } = await fixture();
    const event = (key: string | null) => ({
      id: randomUUID(),
      projectId: project.id,
      connectedUserId: user.id,
      name: 'Contact Created',
      payload: { first_name: 'Ada' },
      idempotencyKey: key,
    });
    const results = await Promise.all([
      recordAppEvent(db, event('k1'), [newExecution()]),
      recordAppEvent(db, event('k1'), [newExecution()]),
    ]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results[0]?.executionIds).toEqual(results[1]?.executionIds);
    const unkeyed = await Promise.all([
      recordAppEvent(db, event(null), [newExecution()]),
      recordAppEvent(db, event(null), []),
    ]);
    expect(unkeyed.every((r) => r.created)).toBe(true);
    const all = await listExecutions(db, project.id, { limit: 10 });
    expect(all).toHaveLength(2);
  });
});

describe('App Event group commit (createAppEventRecorder)', () => {
  test('concurrent events share transactions; each answer is its own; a bad event fails alone', async () => {
    const { db, project, user, newExecution } = await fixture();
    const recorder = createAppEventRecorder(db, { maxBatch: 10 });
    const event = (key: string | null) => ({
      id: randomUUID(),
      projectId: project.id,
      connectedUserId: user.id,
      name: 'Contact Created',
      payload: { n: key },
      idempotencyKey: key,
    });
    // Transactions opened: a batch writes many events in one.
    let transactions = 0;
    const counted = new Proxy(db, {
      get(target, property) {
        if (property === 'transaction')
          return () => {
            transactions += 1;
            return target.transaction();
          };
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const grouped = createAppEventRecorder(counted, { maxBatch: 10 });
    const many = await Promise.all(
      Array.from({ length: 30 }, (_, i) => grouped.record(event(`g${i}`), [newExecution()])),
    );
    expect(many.every((r) => r.created && r.executionIds.length === 1)).toBe(true);
    expect(new Set(many.flatMap((r) => r.executionIds)).size).toBe(30);
    // The first is written alone, the rest while it commits: far fewer transactions than events.
    expect(transactions).toBeLessThan(30);
    expect(transactions).toBeGreaterThanOrEqual(3);

    // In one batch: a repeated key answers the first event's executions; a broken execution (no
    // such workflow version) fails only its own event, which leaves nothing behind.
    const broken = { ...newExecution(), workflowVersionId: randomUUID() };
    const first = event('dup');
    const results = await Promise.allSettled([
      recorder.record(event('warm-up'), []),
      recorder.record(first, [newExecution()]),
      recorder.record(event('dup'), [newExecution()]),
      recorder.record(event('bad'), [broken]),
      recorder.record(event(null), [newExecution()]),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    const [, dupFirst, dupSecond] = results.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
    expect(dupFirst).toMatchObject({ eventId: first.id, created: true });
    expect(dupSecond).toMatchObject({
      eventId: first.id,
      created: false,
      executionIds: dupFirst?.executionIds,
    });
    const badEvents = await db
      .selectFrom('appEvents')
      .select('id')
      .where('idempotencyKey', '=', 'bad')
      .execute();
    expect(badEvents).toEqual([]);
    const all = await listExecutions(db, project.id, { limit: 100 });
    expect(all).toHaveLength(30 + 2);
  });
});

describe('step records (execution_steps)', () => {
  test('a save writes only the changed records, only under the lease; readers get the whole state', async () => {
    const { db, project, newExecution } = await fixture();
    const execution = newExecution();
    await insertExecution(db, execution);
    const [claimed] = await claimExecutions(db, 'w1', 10_000, 1);
    expect(claimed?.id).toBe(execution.id);
    // A state saved before step records had their own table keeps them in the state itself.
    expect(claimed?.state.steps).toEqual({ find_contact: { first_name: 'x' } });
    const base = { id: execution.id, owner: 'w1', leaseMs: 10_000, wakeAt: null, finishedAt: null };
    const record = (status: string) => ({ stepId: 'a', status, attempt: 1 });
    // Every record when no change set is given.
    expect(
      await saveExecutionState(db, {
        ...base,
        state: { status: 'running', steps: { a: record('running'), b: record('running') } },
        status: 'running',
        release: false,
      }),
    ).toBe(true);
    // Only `b` changed: `a` is not rewritten (its stored row keeps what it had).
    expect(
      await saveExecutionState(db, {
        ...base,
        state: { status: 'running', steps: { a: record('IGNORED'), b: record('succeeded') } },
        changedSteps: { b: record('succeeded') },
        status: 'running',
        release: false,
      }),
    ).toBe(true);
    // Another owner: nothing at all is written.
    expect(
      await saveExecutionState(db, {
        ...base,
        owner: 'w2',
        state: { status: 'failed', steps: {} },
        changedSteps: { b: record('failed'), c: record('running') },
        status: 'failed',
        release: true,
      }),
    ).toBe(false);
    const found = await findExecution(db, project.id, execution.id);
    expect(found?.status).toBe('running');
    expect(found?.state.steps).toEqual({ a: record('running'), b: record('succeeded') });
    const rows = await db
      .selectFrom('executionSteps')
      .select('key')
      .where('executionId', '=', execution.id)
      .execute();
    expect(rows.map((r) => r.key).sort()).toEqual(['a', 'b']);
    // Deleted with their execution.
    await db.deleteFrom('executions').where('id', '=', execution.id).execute();
    expect(await db.selectFrom('executionSteps').selectAll().execute()).toEqual([]);
  });
});
