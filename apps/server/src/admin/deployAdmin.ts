import { randomUUID } from 'node:crypto';
import {
  AppError,
  type DeployWorkflowsBody,
  type DeployWorkflowsResponse,
  type ErrorDetail,
} from '@switchboard/contracts';
import {
  applyWorkflowDeploy,
  type Database,
  type JsonObject,
  listIntegrations,
  listWorkflows,
  type WorkflowDeployItem,
} from '@switchboard/db';
import { validateWorkflow } from '@switchboard/engine';
import type { Kysely } from 'kysely';
import { getProject } from './projectAdmin';
import { knownSettingIds } from './workflowVersionAdmin';

/** How a problem of one workflow of a deploy is reported: its key, then the path in its definition. */
function problemPath(key: string, path: string): string {
  return `workflows[${key}]${path ? `.${path}` : ''}`;
}

/**
 * Deploys a set of workflows at once (`switchboard deploy`, CI): every definition is validated first
 * and any problem rejects the whole deploy (400 VALIDATION_FAILED, `details` listing every problem of
 * every workflow as `workflows[<key>].<path>`). Then, in one transaction, each workflow is matched by
 * its definition's `id`, else by its key; created when nothing matches (under the definition's
 * integration, which must be active in the project); and given a new immutable version only when its
 * definition differs from the latest one. `dryRun` validates and answers the same without storing.
 */
export async function deployWorkflows(
  db: Kysely<Database>,
  projectId: string,
  body: DeployWorkflowsBody,
): Promise<DeployWorkflowsResponse> {
  await getProject(db, projectId);
  const [integrations, workflows] = await Promise.all([
    listIntegrations(db, projectId, { activeOnly: false }),
    listWorkflows(db, projectId),
  ]);
  const problems: ErrorDetail[] = [];
  const seenKeys = new Set<string>();
  /** Workflow id → the key that deploys it (a workflow matched twice is a mistake). */
  const matched = new Map<string, string>();
  const items: Array<WorkflowDeployItem & { key: string; integration: string }> = [];

  for (const { key, definition: raw } of body.workflows) {
    const problem = (path: string, message: string) =>
      problems.push({ path: problemPath(key, path), message });
    if (seenKeys.has(key)) {
      problem('', `key "${key}" appears twice in this deploy; every workflow needs its own key.`);
      continue;
    }
    seenKeys.add(key);

    const rawId = typeof raw.id === 'string' ? raw.id : undefined;
    const type = typeof raw.integration === 'string' ? raw.integration : undefined;
    const byId = rawId ? workflows.find((w) => w.id === rawId) : undefined;
    const existing = rawId ? byId : workflows.find((w) => w.deployKey === key);
    if (rawId && !byId && /^[0-9a-f-]{36}$/i.test(rawId)) {
      problem(
        'id',
        `workflow ${rawId} does not exist in project ${projectId}; leave "id" out to create the workflow (it is then matched by its key).`,
      );
    }
    if (existing) {
      const other = matched.get(existing.id);
      if (other !== undefined) {
        problem(
          rawId ? 'id' : '',
          `workflow ${existing.id} is also deployed by "${other}"; a workflow takes one definition per deploy.`,
        );
      }
      matched.set(existing.id, key);
    }
    const integration = type ? integrations.find((i) => i.type === type) : undefined;
    if (type && !integration?.isActive) {
      problem(
        'integration',
        `integration "${type}" is not active in project ${projectId}; enable it first (switchboard integration enable --project ${projectId} --type ${type}).`,
      );
    }
    if (existing && integration && existing.integrationId !== integration.id) {
      const current =
        integrations.find((i) => i.id === existing.integrationId)?.type ?? 'another integration';
      problem(
        'integration',
        `workflow ${existing.id} belongs to "${current}"; a workflow cannot move to another integration (deploy it under a new key, or use "${current}").`,
      );
    }

    let definition: ReturnType<typeof validateWorkflow>;
    try {
      definition = validateWorkflow(raw, {
        sharedSettings: knownSettingIds(integration, existing?.inputs ?? []),
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      for (const detail of error.details ?? [{ path: '', message: error.message }])
        problem(detail.path === '(root)' ? '' : detail.path, detail.message);
      continue;
    }
    if (!integration?.isActive) continue;
    const { id: _id, ...withoutId } = definition;
    items.push({
      key,
      integration: integration.type,
      workflowId: existing?.id,
      deployKey: key,
      integrationId: integration.id,
      newWorkflowId: randomUUID(),
      newVersionId: randomUUID(),
      description: definition.description,
      inputs: definition.inputs as unknown as JsonObject[] | undefined,
      definition: withoutId as unknown as JsonObject,
    });
  }

  if (problems.length > 0) {
    const first = problems[0] as ErrorDetail;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : '';
    throw new AppError(
      'VALIDATION_FAILED',
      400,
      `Deploy rejected, nothing was deployed: ${first.path}: ${first.message}${more}`,
      problems,
    );
  }

  const dryRun = body.dryRun ?? false;
  const applied = await applyWorkflowDeploy(db, projectId, items, { dryRun });
  return {
    dryRun,
    workflows: applied.map((result, index) => {
      const item = items[index] as (typeof items)[number];
      return {
        key: item.key,
        workflowId: result.workflowId,
        integration: item.integration,
        description: item.description,
        outcome: result.outcome,
        version: result.version.version,
        versionId: result.version.id,
      };
    }),
  };
}
