import { randomBytes, randomUUID } from 'node:crypto';
import { listIntegrationDefinitions } from '@switchboard/catalog';
import {
  type Database,
  type ExecutionRowStatus,
  insertExecution,
  insertWorkflow,
  insertWorkflowVersion,
  upsertConnectedUser,
} from '@switchboard/db';
import { openTestDatabase } from '@switchboard/db/testing';
import { createKeyring } from '@switchboard/vault';
import { type Kysely, sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { enableIntegration } from '../admin/integrationAdmin';
import { createProject } from '../admin/projectAdmin';
import { createCatalogView } from '../createCatalogView';
import { startExecutionRetention, sweepExecutionRetention } from './executionRetention';

/*
 * The retention sweep, straight on a real database: finished executions older than the window go (in
 * batches), newer ones and every unfinished one stay, whatever their age; App Events go once no
 * execution refers to them and they are older than the window.
 */

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let db: Kysely<Database>;
let ids: { projectId: string; workflowId: string; versionId: string; userId: string };
const DAY = 24 * 60 * 60 * 1000;
const now = new Date('2026-06-01T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);

beforeAll(async () => {
  database = await openTestDatabase();
  db = database.db;
  const project = await createProject(db, { name: 'Retention' });
  const integration = await enableIntegration(
    {
      db,
      catalog: createCatalogView(listIntegrationDefinitions()),
      keyring: createKeyring({ keys: [{ id: 'k', key: randomBytes(32) }], currentKeyId: 'k' }),
    },
    project.projectId,
    { type: 'slack' },
  );
  const workflow = await insertWorkflow(db, {
    id: randomUUID(),
    projectId: project.projectId,
    integrationId: integration.id,
    description: 'Retained',
  });
  const version = await insertWorkflowVersion(db, {
    id: randomUUID(),
    workflowId: workflow.id,
    projectId: project.projectId,
    definition: { description: 'Retained' },
  });
  const user = await upsertConnectedUser(db, {
    id: randomUUID(),
    projectId: project.projectId,
    externalId: 'alice',
  });
  ids = { projectId: project.projectId, workflowId: workflow.id, versionId: version.id, userId: user.id };
});
afterAll(async () => {
  await database?.close();
});

async function appEvent(createdAt: Date): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('appEvents')
    .values({
      id,
      projectId: ids.projectId,
      connectedUserId: ids.userId,
      name: 'E',
      payload: '{}',
      createdAt,
    })
    .execute();
  return id;
}

async function execution(
  status: ExecutionRowStatus,
  at: { created: Date; finished: Date | null },
  appEventId: string | null = null,
): Promise<string> {
  const id = randomUUID();
  await insertExecution(db, {
    id,
    projectId: ids.projectId,
    workflowId: ids.workflowId,
    workflowVersionId: ids.versionId,
    integrationType: 'slack',
    connectedUserId: ids.userId,
    credentialId: null,
    triggerKind: 'appEvent',
    state: {},
  });
  await db
    .updateTable('executions')
    .set({ status, finishedAt: at.finished, appEventId })
    .where('id', '=', id)
    .execute();
  // created_at is insert-only in the row type; a test backdates it.
  await sql`update executions set created_at = ${at.created} where id = ${id}`.execute(db);
  return id;
}

test('deletes finished executions older than the window in batches, keeps newer and unfinished ones', async () => {
  const oldEvent = await appEvent(daysAgo(40));
  const keptEvent = await appEvent(daysAgo(40));
  const recentEvent = await appEvent(daysAgo(1));
  const orphanOld = await appEvent(daysAgo(45));

  const oldFinished = [
    await execution('succeeded', { created: daysAgo(40), finished: daysAgo(39) }, oldEvent),
    await execution('failed', { created: daysAgo(40), finished: daysAgo(31) }),
  ];
  for (let i = 0; i < 5; i++)
    oldFinished.push(await execution('succeeded', { created: daysAgo(60), finished: daysAgo(50 + i) }));
  // A replay of an old execution keeps running after its original is deleted (replay_of → null).
  const replay = await execution('succeeded', { created: daysAgo(2), finished: daysAgo(2) });
  await db.updateTable('executions').set({ replayOf: oldFinished[0] }).where('id', '=', replay).execute();
  const kept = [
    replay,
    // Created long ago but finished inside the window: by finish time, kept.
    await execution('succeeded', { created: daysAgo(40), finished: daysAgo(29) }, keptEvent),
    await execution('failed', { created: daysAgo(3), finished: daysAgo(3) }, recentEvent),
    // Never finished, however old: never deleted.
    await execution('queued', { created: daysAgo(90), finished: null }),
    await execution('running', { created: daysAgo(90), finished: null }),
    await execution('waiting', { created: daysAgo(90), finished: null }),
  ];

  const result = await sweepExecutionRetention({ db, retentionDays: 30, now, batchSize: 2 });
  expect(result).toEqual({ executions: oldFinished.length, appEvents: 2 });

  const left = await db.selectFrom('executions').select(['id', 'replayOf']).execute();
  expect(left.map((r) => r.id).sort()).toEqual([...kept].sort());
  expect(left.find((r) => r.id === replay)?.replayOf).toBeNull();
  const events = (await db.selectFrom('appEvents').select('id').execute()).map((r) => r.id).sort();
  // The old event whose executions were deleted and the old one that started none are gone.
  expect(events).toEqual([keptEvent, recentEvent].sort());
  expect(events).not.toContain(orphanOld);

  // Nothing more to do; 0 days keeps everything.
  expect(await sweepExecutionRetention({ db, retentionDays: 30, now })).toEqual({
    executions: 0,
    appEvents: 0,
  });
  expect(
    await sweepExecutionRetention({ db, retentionDays: 0, now: new Date(now.getTime() + 365 * DAY) }),
  ).toEqual({ executions: 0, appEvents: 0 });
  expect(await db.selectFrom('executions').select('id').execute()).toHaveLength(kept.length);
});

test('the loop sweeps at start (stop waits for the sweep under way); 0 days starts nothing', async () => {
  const recent = new Date();
  const old = new Date(recent.getTime() - 31 * DAY);
  const oldId = await execution('failed', { created: old, finished: old });
  const newId = await execution('succeeded', { created: recent, finished: recent });
  const logger = pino({ level: 'silent' });

  const off = startExecutionRetention({ db, logger, retentionDays: 0 });
  await off.stop();
  expect(await db.selectFrom('executions').select('id').where('id', '=', oldId).execute()).toHaveLength(1);

  const loop = startExecutionRetention({ db, logger, retentionDays: 30 });
  await loop.stop();
  const left = (
    await db.selectFrom('executions').select('id').where('id', 'in', [oldId, newId]).execute()
  ).map((r) => r.id);
  expect(left).toEqual([newId]);
});
