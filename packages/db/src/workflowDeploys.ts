import type { Kysely } from 'kysely';
import type { Database, JsonObject, JsonValue, WorkflowRow } from './schema';
import { findLatestWorkflowVersion, type WorkflowVersion } from './workflowVersions';

/** A project's workflow deployed under `deployKey` (what a deploy matches by when there is no id). */
export async function findWorkflowByDeployKey(
  db: Kysely<Database>,
  projectId: string,
  deployKey: string,
): Promise<WorkflowRow | undefined> {
  return db
    .selectFrom('workflows')
    .selectAll()
    .where('projectId', '=', projectId)
    .where('deployKey', '=', deployKey)
    .executeTakeFirst();
}

/** One workflow of a deploy, already validated. */
export interface WorkflowDeployItem {
  /** The existing workflow (matched by the definition's id or by key), or undefined: create one. */
  workflowId: string | undefined;
  /** Used when a workflow is created: its key, integration and id. */
  deployKey: string;
  integrationId: string;
  newWorkflowId: string;
  newVersionId: string;
  description: string;
  /** The definition's workflow-level User Settings; undefined: the row's stay as they are. */
  inputs: JsonObject[] | undefined;
  /** The validated definition without `id` (the workflow's id is set when stored). */
  definition: JsonObject;
}

export type WorkflowDeployOutcome = 'created' | 'newVersion' | 'unchanged';

export interface AppliedWorkflowDeploy {
  workflowId: string;
  outcome: WorkflowDeployOutcome;
  /** The stored version: the new one, or the latest when unchanged. */
  version: WorkflowVersion;
}

class DryRunRollback extends Error {
  constructor(readonly applied: AppliedWorkflowDeploy[]) {
    super('dry run');
  }
}

/**
 * JSON with object keys sorted and undefined members left out: two definitions are the same deploy
 * when these agree (jsonb does not keep the order keys were written in).
 */
export function canonicalJson(value: JsonValue | undefined): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Applies a deploy in one transaction: every workflow is created or gets a new immutable version, or
 * nothing is stored at all. A version is added only when the definition differs from the latest one
 * (compared as JSON, key order ignored); a new version also brings the workflow row's description
 * (and its inputs, when the definition has them) in step. Deploys of one project are serialised by a
 * lock on the project row, so concurrent deploys get consecutive version numbers and never create a
 * key twice. `dryRun` runs the same statements and rolls them back.
 */
export async function applyWorkflowDeploy(
  db: Kysely<Database>,
  projectId: string,
  items: WorkflowDeployItem[],
  options: { dryRun: boolean },
): Promise<AppliedWorkflowDeploy[]> {
  try {
    const applied = await db.transaction().execute(async (trx) => {
      await trx.selectFrom('projects').select('id').where('id', '=', projectId).forUpdate().execute();
      const results: AppliedWorkflowDeploy[] = [];
      for (const item of items) {
        // A deploy that ran meanwhile may have created this key: then it is an existing workflow.
        const workflowId =
          item.workflowId ?? (await findWorkflowByDeployKey(trx, projectId, item.deployKey))?.id;
        let outcome: WorkflowDeployOutcome;
        let id: string;
        if (workflowId === undefined) {
          id = item.newWorkflowId;
          await trx
            .insertInto('workflows')
            .values({
              id,
              projectId,
              integrationId: item.integrationId,
              description: item.description,
              inputs: JSON.stringify(item.inputs ?? []),
              deployKey: item.deployKey,
            })
            .execute();
          outcome = 'created';
        } else {
          id = workflowId;
          outcome = 'newVersion';
        }
        const definition: JsonObject = { ...item.definition, id };
        const latest = await findLatestWorkflowVersion(trx, id);
        if (latest && canonicalJson(latest.definition) === canonicalJson(definition)) {
          results.push({ workflowId: id, outcome: 'unchanged', version: latest });
          continue;
        }
        if (outcome === 'newVersion') {
          await trx
            .updateTable('workflows')
            .set({
              description: item.description,
              ...(item.inputs ? { inputs: JSON.stringify(item.inputs) } : {}),
              updatedAt: new Date(),
            })
            .where('id', '=', id)
            .execute();
        }
        await trx
          .insertInto('workflowVersions')
          .values({
            id: item.newVersionId,
            workflowId: id,
            projectId,
            version: (latest?.version ?? 0) + 1,
            definition: JSON.stringify(definition),
          })
          .execute();
        const version = await trx
          .selectFrom('workflowVersions')
          .selectAll('workflowVersions')
          .where('id', '=', item.newVersionId)
          .executeTakeFirstOrThrow();
        results.push({ workflowId: id, outcome, version });
      }
      if (options.dryRun) throw new DryRunRollback(results);
      return results;
    });
    return applied;
  } catch (error) {
    if (error instanceof DryRunRollback) return error.applied;
    throw error;
  }
}
