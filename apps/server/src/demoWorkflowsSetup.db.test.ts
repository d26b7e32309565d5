import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listIntegrationDefinitions } from '@switchboard/catalog';
import { type Database, listWorkflows, listWorkflowVersions } from '@switchboard/db';
import { openTestDatabase } from '@switchboard/db/testing';
import { demoWorkflows } from '@switchboard/engine';
import { createKeyring } from '@switchboard/vault';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { enableIntegration } from './admin/integrationAdmin';
import { createProject } from './admin/projectAdmin';
import { deployWorkflowVersion } from './admin/workflowVersionAdmin';
import { createCatalogView } from './createCatalogView';
import { ensureDemoWorkflows, findDemoWorkflowIds } from './demoWorkflowsSetup';
import { ensureDevelopmentProject } from './developmentProject';

/*
 * The development project's example workflows (Contact Created, Lead Created on the Sandbox CRM):
 * created once across restarts and concurrent starts, redeployed only when the built-in definition
 * is none of the workflow's versions.
 */

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let db: Kysely<Database>;
const catalog = createCatalogView(listIntegrationDefinitions());
const keyring = createKeyring({ keys: [{ id: 'test', key: randomBytes(32) }], currentKeyId: 'test' });
const dataDirs: string[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  db = database.db;
});
afterAll(async () => {
  await database?.close();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

async function projectWith(...types: string[]): Promise<string> {
  const { projectId } = await createProject(db, { name: 'Demo workflows' });
  for (const type of types) await enableIntegration({ db, catalog, keyring }, projectId, { type });
  return projectId;
}

const descriptions = async (projectId: string) =>
  (await listWorkflows(db, projectId)).map((w) => w.description).sort();

describe('ensureDemoWorkflows', () => {
  test('development start: the project gets both workflows, deployed; a restart changes nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-demo-workflows-'));
    dataDirs.push(dataDir);
    const first = await ensureDevelopmentProject({ db, catalog, keyring, dataDir });
    expect(first.created).toBe(true);
    const ids = first.demoWorkflowIds;
    expect(ids).toEqual({ contactCreated: expect.any(String), leadCreated: expect.any(String) });
    expect(await descriptions(first.projectId)).toEqual(
      [demoWorkflows.contactCreated.description, demoWorkflows.leadCreated.description].sort(),
    );
    const contact = await listWorkflowVersions(db, ids.contactCreated as string);
    expect(contact).toHaveLength(1);
    expect(contact[0]?.definition).toMatchObject({
      id: ids.contactCreated,
      integration: 'sandbox',
      trigger: { type: 'appEvent', event: 'Contact Created' },
    });
    const lead = await listWorkflowVersions(db, ids.leadCreated as string);
    expect(lead[0]?.definition).toMatchObject({ trigger: { type: 'request' } });

    const second = await ensureDevelopmentProject({ db, catalog, keyring, dataDir });
    expect(second).toMatchObject({ projectId: first.projectId, created: false, demoWorkflowIds: ids });
    expect(await listWorkflows(db, first.projectId)).toHaveLength(2);
    expect(await listWorkflowVersions(db, ids.contactCreated as string)).toHaveLength(1);
    expect(await listWorkflowVersions(db, ids.leadCreated as string)).toHaveLength(1);
    expect(await findDemoWorkflowIds(db, first.projectId)).toEqual(ids);
  });

  test('processes starting at once create each workflow once', async () => {
    const projectId = await projectWith('sandbox');
    const results = await Promise.all([1, 2, 3, 4].map(() => ensureDemoWorkflows(db, projectId)));
    for (const result of results) expect(result).toEqual(results[0]);
    expect(await listWorkflows(db, projectId)).toHaveLength(2);
    const ids = results[0] ?? {};
    for (const id of [ids.contactCreated, ids.leadCreated]) {
      expect((await listWorkflowVersions(db, id as string)).map((v) => v.version)).toEqual([1]);
    }
  });

  test('a new version only when the built-in definition changed; a developer’s own version stays latest', async () => {
    const projectId = await projectWith('sandbox');
    const { contactCreated: id } = await ensureDemoWorkflows(db, projectId);
    if (!id) throw new Error('no Contact Created workflow');

    // The developer deploys their own version over it: a restart does not put the built-in one back.
    const own = { ...demoWorkflows.contactCreated, description: 'My own Contact Created' };
    await deployWorkflowVersion(db, projectId, id, own);
    await ensureDemoWorkflows(db, projectId);
    const afterOwn = await listWorkflowVersions(db, id);
    expect(afterOwn.map((v) => [v.version, v.definition.description])).toEqual([
      [2, 'My own Contact Created'],
      [1, demoWorkflows.contactCreated.description],
    ]);

    // A release whose built-in definition differs from every stored version: deployed once.
    await db
      .updateTable('workflowVersions')
      .set({ definition: sql`jsonb_set(definition, '{description}', '"An older built-in"')` })
      .where('workflowId', '=', id)
      .where('version', '=', 1)
      .execute();
    await ensureDemoWorkflows(db, projectId);
    await ensureDemoWorkflows(db, projectId);
    const versions = await listWorkflowVersions(db, id);
    expect(versions.map((v) => [v.version, v.definition.description])).toEqual([
      [3, demoWorkflows.contactCreated.description],
      [2, 'My own Contact Created'],
      [1, 'An older built-in'],
    ]);
  });

  test('a project without the Sandbox integration gets nothing', async () => {
    const projectId = await projectWith('slack');
    expect(await ensureDemoWorkflows(db, projectId)).toEqual({});
    expect(await listWorkflows(db, projectId)).toEqual([]);
    expect(await findDemoWorkflowIds(db, projectId)).toEqual({});
  });
});
