import type { Kysely } from 'kysely';
import type { Database, JsonObject, WorkflowRow } from './schema';

export async function insertWorkflow(
  db: Kysely<Database>,
  workflow: {
    id: string;
    projectId: string;
    integrationId: string;
    description: string;
    inputs?: JsonObject[];
  },
): Promise<WorkflowRow> {
  return db
    .insertInto('workflows')
    .values({ ...workflow, inputs: JSON.stringify(workflow.inputs ?? []) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listWorkflows(db: Kysely<Database>, projectId: string): Promise<WorkflowRow[]> {
  return db
    .selectFrom('workflows')
    .selectAll()
    .where('projectId', '=', projectId)
    .orderBy('createdAt')
    .execute();
}

export async function findWorkflow(
  db: Kysely<Database>,
  projectId: string,
  workflowId: string,
): Promise<WorkflowRow | undefined> {
  return db
    .selectFrom('workflows')
    .selectAll()
    .where('projectId', '=', projectId)
    .where('id', '=', workflowId)
    .executeTakeFirst();
}
