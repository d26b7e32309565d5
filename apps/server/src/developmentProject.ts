import { existsSync, readFileSync } from 'node:fs';
import { type Database, getInstanceSetting, setInstanceSettingOnce } from '@switchboard/db';
import type { Keyring } from '@switchboard/vault';
import type { Kysely } from 'kysely';
import { enableIntegration } from './admin/integrationAdmin';
import { createProject } from './admin/projectAdmin';
import type { CatalogView } from './catalogView';
import { dataDirPaths, writeSecretFile } from './dataDir';
import { type DemoWorkflowIds, ensureDemoWorkflows } from './demoWorkflowsSetup';

const SETTING = 'developmentProjectId';

export interface DevelopmentProject {
  projectId: string;
  created: boolean;
  signingKeyPath: string;
  apiKeyPath: string;
  /** Absent when the project was created by a process with another data directory. */
  privateKeyPem: string | undefined;
  /** The seed's example workflows on the Sandbox CRM (demoWorkflowsSetup.ts). */
  demoWorkflowIds: DemoWorkflowIds;
}

/**
 * The project a newcomer starts with: created on first start with every catalog integration active,
 * its private signing key and API key written to the data directory. Safe when several processes
 * start at once on one PostgreSQL: the first to record its project wins; the others delete theirs.
 * On every start it also gets the seed's example workflows (created once, redeployed only when the
 * built-in definitions change).
 */
export async function ensureDevelopmentProject(deps: {
  db: Kysely<Database>;
  catalog: CatalogView;
  keyring: Keyring;
  dataDir: string;
}): Promise<DevelopmentProject> {
  const paths = dataDirPaths(deps.dataDir);
  const readKey = () =>
    existsSync(paths.developmentSigningKey) ? readFileSync(paths.developmentSigningKey, 'utf8') : undefined;
  const base = { signingKeyPath: paths.developmentSigningKey, apiKeyPath: paths.developmentApiKey };

  const existingProject = async (projectId: string): Promise<DevelopmentProject> => ({
    ...base,
    projectId,
    created: false,
    privateKeyPem: readKey(),
    demoWorkflowIds: await ensureDemoWorkflows(deps.db, projectId),
  });

  const existing = await getInstanceSetting(deps.db, SETTING);
  if (typeof existing === 'string') return existingProject(existing);

  const project = await createProject(deps.db, { name: 'Development' });
  const winner = await setInstanceSettingOnce(deps.db, SETTING, project.projectId);
  if (winner !== project.projectId) {
    await deps.db.deleteFrom('projects').where('id', '=', project.projectId).execute();
    return existingProject(String(winner));
  }
  writeSecretFile(paths.developmentSigningKey, project.signingKey as string);
  writeSecretFile(paths.developmentApiKey, `${project.apiKey}\n`);
  for (const entry of deps.catalog.list()) {
    await enableIntegration(deps, project.projectId, { type: entry.type });
  }
  return {
    ...base,
    projectId: project.projectId,
    created: true,
    privateKeyPem: project.signingKey ?? undefined,
    demoWorkflowIds: await ensureDemoWorkflows(deps.db, project.projectId),
  };
}
