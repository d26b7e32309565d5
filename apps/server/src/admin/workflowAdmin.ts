import { randomUUID } from 'node:crypto';
import { AppError, type CreateWorkflowBody, type WorkflowSummary } from '@switchboard/contracts';
import {
  type Database,
  findIntegrationByType,
  insertWorkflow,
  type JsonObject,
  listWorkflows,
  type WorkflowRow,
} from '@switchboard/db';
import type { Kysely } from 'kysely';
import { uniqueInputs } from './integrationAdmin';
import { getProject } from './projectAdmin';

export function presentWorkflow(row: WorkflowRow): WorkflowSummary {
  return {
    id: row.id,
    description: row.description,
    projectId: row.projectId,
    integrationId: row.integrationId,
    isOnboardingWorkflow: false,
    steps: [],
    dateCreated: row.createdAt.toISOString(),
    dateUpdated: row.updatedAt.toISOString(),
  };
}

/**
 * Registers a workflow's identity under an integration, so users can enable it per credential.
 * Its trigger and steps are defined by the workflow engine (a later capability); until then a
 * workflow is a named switch stored in each user's Configuration.
 */
export async function createWorkflow(
  db: Kysely<Database>,
  projectId: string,
  input: CreateWorkflowBody,
): Promise<WorkflowSummary> {
  await getProject(db, projectId);
  const integration = await findIntegrationByType(db, projectId, input.integration);
  if (!integration) {
    throw new AppError(
      'INTEGRATION_NOT_FOUND',
      400,
      `integration "${input.integration}" is not enabled in project ${projectId}; enable it first.`,
    );
  }
  const row = await insertWorkflow(db, {
    id: randomUUID(),
    projectId,
    integrationId: integration.id,
    description: input.description,
    inputs: uniqueInputs(input.inputs ?? [], 'inputs') as unknown as JsonObject[],
  });
  return presentWorkflow(row);
}

export async function listProjectWorkflows(
  db: Kysely<Database>,
  projectId: string,
): Promise<WorkflowSummary[]> {
  await getProject(db, projectId);
  return (await listWorkflows(db, projectId)).map(presentWorkflow);
}
