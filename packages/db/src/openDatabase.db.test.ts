import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { findConnectedUser, mergeUserMeta, upsertConnectedUser } from './connectedUsers';
import { insertCredential, listUserCredentials, setWorkflowEnabled } from './credentials';
import { upsertIntegration } from './integrations';
import { migrationNames } from './migrateToLatest';
import { openDatabase } from './openDatabase';
import { insertProject } from './projects';
import { createScratchDatabase, openTestDatabase } from './testing';
import { loadUserAccount } from './userAccount';

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
  const user = await upsertConnectedUser(db, {
    id: randomUUID(),
    projectId: project.id,
    externalId: 'user-1',
  });
  return { db, project, integration, user };
}

describe('database', () => {
  test('a Connected User is created once per (project, sub)', async () => {
    const { db, project } = await fixture();
    const first = await upsertConnectedUser(db, { id: randomUUID(), projectId: project.id, externalId: 'u' });
    const again = await upsertConnectedUser(db, { id: randomUUID(), projectId: project.id, externalId: 'u' });
    expect(again.id).toBe(first.id);
    const other = await insertProject(db, { id: randomUUID(), name: 'Other' });
    const elsewhere = await upsertConnectedUser(db, {
      id: randomUUID(),
      projectId: other.id,
      externalId: 'u',
    });
    expect(elsewhere.id).not.toBe(first.id);
  });

  test('metadata merges shallowly and concurrent merges keep every key', async () => {
    const { db, user } = await fixture();
    await mergeUserMeta(db, user.id, { Name: 'Sean', nested: { a: 1 } });
    await Promise.all(Array.from({ length: 20 }, (_, i) => mergeUserMeta(db, user.id, { [`k${i}`]: i })));
    const meta = await mergeUserMeta(db, user.id, { nested: { b: 2 } });
    expect(meta.Name).toBe('Sean');
    expect(meta.nested).toEqual({ b: 2 });
    for (let i = 0; i < 20; i++) expect(meta[`k${i}`]).toBe(i);
  });

  test('concurrent workflow toggles on one configuration all land', async () => {
    const { db, project, integration, user } = await fixture();
    const credential = await insertCredential(db, {
      id: randomUUID(),
      projectId: project.id,
      integrationId: integration.id,
      connectedUserId: user.id,
      status: 'VALID',
      defaultConfiguration: {
        id: randomUUID(),
        workflowSettings: { w0: { enabled: false, settings: { x: 1 } } },
      },
    });
    const configurationId = credential.configurations[0]!.id;
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => setWorkflowEnabled(db, configurationId, `w${i}`, true)),
    );
    const [stored] = await listUserCredentials(db, user.id);
    const settings = stored!.configurations[0]!.workflowSettings;
    for (let i = 0; i < 10; i++) expect(settings[`w${i}`]?.enabled).toBe(true);
    expect(settings.w0?.settings).toEqual({ x: 1 });
  });

  test('a rolled-back transaction does not undo a concurrent one (embedded single session)', async () => {
    const { db } = await fixture();
    const keep = randomUUID();
    const drop = randomUUID();
    const results = await Promise.allSettled([
      db.transaction().execute(async (trx) => {
        await trx.insertInto('projects').values({ id: drop, name: 'rolled back' }).execute();
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('abort');
      }),
      db.transaction().execute(async (trx) => {
        await trx.insertInto('projects').values({ id: keep, name: 'kept' }).execute();
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    const ids = (await db.selectFrom('projects').select('id').execute()).map((r) => r.id);
    expect(ids).toContain(keep);
    expect(ids).not.toContain(drop);
  });
});

describe('loadUserAccount', () => {
  test('one query returns what the separate queries return', async () => {
    const { db, project, integration, user } = await fixture();
    expect(await loadUserAccount(db, user.id)).toEqual({ meta: {}, credentials: [] });
    expect(await loadUserAccount(db, randomUUID())).toBeUndefined();
    await mergeUserMeta(db, user.id, { Name: 'Ada' });
    for (const providerId of ['A', 'B']) {
      await insertCredential(db, {
        id: randomUUID(),
        projectId: project.id,
        integrationId: integration.id,
        connectedUserId: user.id,
        status: providerId === 'A' ? 'VALID' : 'INVALID',
        providerId,
        providerData: { region: providerId },
        defaultConfiguration: {
          id: randomUUID(),
          workflowSettings: { w: { enabled: true, settings: { n: 1 } } },
        },
      });
    }
    const [firstCredential] = await listUserCredentials(db, user.id);
    await db
      .insertInto('credentialConfigurations')
      .values({
        id: randomUUID(),
        credentialId: firstCredential!.id,
        workflowSettings: '{}',
        sharedSettings: '{"extra":true}',
        configMeta: '{}',
        externalId: 'second',
        isDefault: false,
        createdAt: new Date(Date.now() + 1000),
      })
      .execute();
    const account = await loadUserAccount(db, user.id);
    expect(account).toEqual({
      meta: (await findConnectedUser(db, user.id))!.meta,
      credentials: await listUserCredentials(db, user.id),
    });
    expect(account!.credentials[0]!.configurations).toHaveLength(2);
  });
});

describe.runIf(process.env.DATABASE_URL)('migrations on PostgreSQL', () => {
  test('several processes migrating one empty database at once all succeed, once', async () => {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL!);
    closers.push(scratch.drop);
    const opened = await Promise.all(
      Array.from({ length: 4 }, () =>
        openDatabase({ kind: 'postgres', url: scratch.url, maxConnections: 2 }),
      ),
    );
    for (const o of opened) closers.push(o.close);
    const applied = await opened[0]!.db
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .execute();
    expect(applied).toHaveLength(migrationNames.length);
  });
});
