import { type Kysely, sql } from 'kysely';
import type { Database, JsonObject, WorkflowVersionRow } from './schema';

export type WorkflowVersion = WorkflowVersionRow;

/**
 * Stores a new immutable version of a workflow; its number is one more than the latest. The
 * workflow's row is locked for the insert, so concurrent deploys get consecutive numbers.
 */
export async function insertWorkflowVersion(
  db: Kysely<Database>,
  input: { id: string; workflowId: string; projectId: string; definition: JsonObject },
): Promise<WorkflowVersion> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('workflows').select('id').where('id', '=', input.workflowId).forUpdate().execute();
    const latest = await trx
      .selectFrom('workflowVersions')
      .select(sql<number>`coalesce(max(version), 0)`.as('version'))
      .where('workflowId', '=', input.workflowId)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('workflowVersions')
      .values({
        id: input.id,
        workflowId: input.workflowId,
        projectId: input.projectId,
        version: Number(latest.version) + 1,
        definition: JSON.stringify(input.definition),
      })
      .execute();
    const row = await trx
      .selectFrom('workflowVersions')
      .selectAll('workflowVersions')
      .where('id', '=', input.id)
      .executeTakeFirstOrThrow();
    return row;
  });
}

/**
 * Only rows of `workflow_versions` that are their workflow's newest version (its latest deploy). Used
 * unaliased: the query must select from `workflow_versions` itself.
 */
export const isLatestVersion = sql<boolean>`workflow_versions.version = (
  select max(newer.version) from workflow_versions newer where newer.workflow_id = workflow_versions.workflow_id
)`;

/** A workflow's versions, newest first. */
export async function listWorkflowVersions(
  db: Kysely<Database>,
  workflowId: string,
): Promise<WorkflowVersion[]> {
  return db
    .selectFrom('workflowVersions')
    .selectAll('workflowVersions')
    .where('workflowId', '=', workflowId)
    .orderBy('version', 'desc')
    .execute();
}

export async function findLatestWorkflowVersion(
  db: Kysely<Database>,
  workflowId: string,
): Promise<WorkflowVersion | undefined> {
  const row = await db
    .selectFrom('workflowVersions')
    .selectAll('workflowVersions')
    .where('workflowId', '=', workflowId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row;
}

export async function findWorkflowVersion(
  db: Kysely<Database>,
  versionId: string,
): Promise<WorkflowVersion | undefined> {
  const row = await db
    .selectFrom('workflowVersions')
    .selectAll('workflowVersions')
    .where('id', '=', versionId)
    .executeTakeFirst();
  return row;
}

/** The latest version of every deployed workflow of a project (workflows never deployed are absent). */
export async function listLatestWorkflowVersions(
  db: Kysely<Database>,
  projectId: string,
): Promise<WorkflowVersion[]> {
  return db
    .selectFrom('workflowVersions')
    .selectAll('workflowVersions')
    .where('projectId', '=', projectId)
    .where(isLatestVersion)
    .execute();
}

/** The latest version of every workflow (all projects) whose trigger is a Schedule, with its integration. */
export async function listLatestScheduleVersions(
  db: Kysely<Database>,
): Promise<Array<WorkflowVersion & { integrationId: string }>> {
  return db
    .selectFrom('workflowVersions')
    .innerJoin('workflows', 'workflows.id', 'workflowVersions.workflowId')
    .selectAll('workflowVersions')
    .select('workflows.integrationId')
    .where(sql<string>`workflow_versions.definition -> 'trigger' ->> 'type'`, '=', 'schedule')
    .where(isLatestVersion)
    .execute();
}
