import {
  canonicalJson,
  type Database,
  findIntegrationByType,
  findWorkflow,
  getInstanceSetting,
  type JsonObject,
  listWorkflowVersions,
  setInstanceSettingOnce,
} from '@switchboard/db';
import { type DemoWorkflowKey, demoWorkflows, validateWorkflow } from '@switchboard/engine';
import type { Kysely } from 'kysely';
import { createWorkflow } from './admin/workflowAdmin';
import { deployWorkflowVersion } from './admin/workflowVersionAdmin';

/** The demo workflows' ids in a project; a key is absent when that workflow is not set up there. */
export type DemoWorkflowIds = Partial<Record<DemoWorkflowKey, string>>;

/** The integration the seed's examples run on: the built-in Sandbox CRM (served in development mode). */
const DEMO_INTEGRATION = 'sandbox';

/** The keys the files of examples/workflows deploy under (`<file>#<export>`). */
const demoDeployKeys: Record<DemoWorkflowKey, string> = {
  contactCreated: 'contactCreated.ts#default',
  leadCreated: 'leadCreated.ts#leadCreated',
};

const settingKey = (projectId: string, key: DemoWorkflowKey) => `demoWorkflow:${projectId}:${key}`;

/**
 * Gives a project (the development project) the seed's two examples on the Sandbox CRM: `Contact
 * Created` (App Event) and `Lead Created` (Request trigger). Runs on every development start:
 *
 * - each workflow is created once; its id is recorded in an instance setting (first writer wins), so
 *   restarts and processes starting at once on one PostgreSQL never duplicate it;
 * - a new version is deployed only when the built-in definition is none of the workflow's versions
 *   (it changed in this release). A version the developer deployed over it stays the latest until the
 *   built-in one changes again.
 *
 * Nothing is set up when the project has no Sandbox integration (it was removed, or a process that
 * lost the race to create the project runs before the winner enabled it: the winner sets them up).
 * A workflow whose recorded row was deleted is not recreated.
 */
export async function ensureDemoWorkflows(db: Kysely<Database>, projectId: string): Promise<DemoWorkflowIds> {
  if (!(await findIntegrationByType(db, projectId, DEMO_INTEGRATION))) return {};
  const ids: DemoWorkflowIds = {};
  for (const key of Object.keys(demoWorkflows) as DemoWorkflowKey[]) {
    const id = await ensureDemoWorkflow(db, projectId, key);
    if (id) ids[key] = id;
  }
  return ids;
}

/** The ids recorded by ensureDemoWorkflows (for the demo page), without changing anything. */
export async function findDemoWorkflowIds(db: Kysely<Database>, projectId: string): Promise<DemoWorkflowIds> {
  const ids: DemoWorkflowIds = {};
  for (const key of Object.keys(demoWorkflows) as DemoWorkflowKey[]) {
    const id = await getInstanceSetting(db, settingKey(projectId, key));
    if (typeof id === 'string') ids[key] = id;
  }
  return ids;
}

async function ensureDemoWorkflow(
  db: Kysely<Database>,
  projectId: string,
  key: DemoWorkflowKey,
): Promise<string | undefined> {
  const definition = demoWorkflows[key];
  const setting = settingKey(projectId, key);
  const recorded = await getInstanceSetting(db, setting);
  if (typeof recorded === 'string') {
    if (!(await findWorkflow(db, projectId, recorded))) return undefined;
    await deployIfChanged(db, projectId, recorded, definition);
    return recorded;
  }
  // Created and deployed before it is recorded, so whoever reads the setting finds a deployed
  // workflow. A process that loses the race deletes its own (its version goes with it).
  const workflow = await createWorkflow(db, projectId, {
    integration: definition.integration,
    description: definition.description,
  });
  await deployWorkflowVersion(db, projectId, workflow.id, definition);
  const winner = await setInstanceSettingOnce(db, setting, workflow.id);
  if (winner !== workflow.id) {
    await db.deleteFrom('workflows').where('id', '=', workflow.id).execute();
    return typeof winner === 'string' ? winner : undefined;
  }
  // The deploy key `switchboard deploy examples/workflows` gives the same example, so deploying that
  // directory to the development project updates these workflows rather than adding two more (unless
  // the key is taken already: then that deploy updates the other workflow, as before).
  await db
    .updateTable('workflows')
    .set({ deployKey: demoDeployKeys[key] })
    .where('id', '=', workflow.id)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('workflows')
            .select('id')
            .where('projectId', '=', projectId)
            .where('deployKey', '=', demoDeployKeys[key]),
        ),
      ),
    )
    .execute();
  return workflow.id;
}

/**
 * Deploys the built-in definition unless one of the workflow's versions already is it. (Two processes
 * starting at once after an upgrade may both deploy it: two identical consecutive versions, harmless.)
 */
async function deployIfChanged(
  db: Kysely<Database>,
  projectId: string,
  workflowId: string,
  definition: unknown,
): Promise<void> {
  // What deployWorkflowVersion stores: the validated definition with the workflow's id.
  const wanted = canonicalJson({ ...validateWorkflow(definition), id: workflowId } as JsonObject);
  const versions = await listWorkflowVersions(db, workflowId);
  if (versions.some((version) => canonicalJson(version.definition) === wanted)) return;
  await deployWorkflowVersion(db, projectId, workflowId, definition);
}
