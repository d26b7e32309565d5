import { randomUUID } from 'node:crypto';
import { AppError, type WorkflowVersionView } from '@switchboard/contracts';
import {
  type Database,
  findIntegration,
  findWorkflow,
  type IntegrationRow,
  insertWorkflowVersion,
  type JsonObject,
  listWorkflowVersions,
  type WorkflowRow,
  type WorkflowVersion,
} from '@switchboard/db';
import { validateWorkflow } from '@switchboard/engine';
import type { Kysely } from 'kysely';
import { getProject } from './projectAdmin';

export function presentWorkflowVersion(version: WorkflowVersion): WorkflowVersionView {
  return {
    id: version.id,
    workflowId: version.workflowId,
    projectId: version.projectId,
    version: version.version,
    definition: version.definition,
    dateCreated: version.createdAt.toISOString(),
  };
}

/**
 * The `{{settings.<id>}}` names a workflow may read besides its definition's own `inputs`: the
 * integration's shared User Settings and the workflow row's inputs (set when it was created).
 */
export function knownSettingIds(
  integration: IntegrationRow | undefined,
  workflowInputs: readonly JsonObject[],
): string[] {
  return [...(integration?.portalConfig.userSettings ?? []), ...workflowInputs].flatMap((input) =>
    typeof input.id === 'string' ? [input.id] : [],
  );
}

async function workflowOf(db: Kysely<Database>, projectId: string, workflowId: string): Promise<WorkflowRow> {
  await getProject(db, projectId);
  const workflow = await findWorkflow(db, projectId, workflowId);
  if (!workflow) {
    throw new AppError(
      'WORKFLOW_NOT_FOUND',
      404,
      `workflow ${workflowId} does not exist in project ${projectId}; create it first (POST /admin/projects/${projectId}/workflows).`,
    );
  }
  return workflow;
}

/**
 * Deploys a new immutable version of a workflow: the definition is validated with the engine (with
 * the integration's and the workflow's User Settings as the known `{{settings.…}}` names) and must
 * belong to the workflow's integration.
 */
export async function deployWorkflowVersion(
  db: Kysely<Database>,
  projectId: string,
  workflowId: string,
  body: unknown,
): Promise<WorkflowVersionView> {
  const workflow = await workflowOf(db, projectId, workflowId);
  const integration = await findIntegration(db, projectId, workflow.integrationId);
  const definition = validateWorkflow(body, {
    sharedSettings: knownSettingIds(integration, workflow.inputs),
  });
  if (definition.integration !== integration?.type) {
    throw new AppError(
      'VALIDATION_FAILED',
      400,
      `Invalid workflow definition: integration is "${definition.integration}" but workflow ${workflowId} belongs to "${integration?.type}"; deploy it under a workflow of that integration.`,
      [{ path: 'integration', message: `must be "${integration?.type}"` }],
    );
  }
  if (definition.id !== undefined && definition.id !== workflowId) {
    throw new AppError(
      'VALIDATION_FAILED',
      400,
      `Invalid workflow definition: id ${definition.id} names another workflow; leave it out or use ${workflowId}.`,
      [{ path: 'id', message: `must be ${workflowId} or absent` }],
    );
  }
  const version = await insertWorkflowVersion(db, {
    id: randomUUID(),
    workflowId,
    projectId,
    definition: { ...(definition as unknown as JsonObject), id: workflowId },
  });
  return presentWorkflowVersion(version);
}

export async function listVersionsOfWorkflow(
  db: Kysely<Database>,
  projectId: string,
  workflowId: string,
): Promise<WorkflowVersionView[]> {
  await workflowOf(db, projectId, workflowId);
  return (await listWorkflowVersions(db, workflowId)).map(presentWorkflowVersion);
}
