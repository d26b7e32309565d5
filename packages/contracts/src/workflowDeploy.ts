import { z } from 'zod';

/**
 * POST /admin/projects/:projectId/deploys: a set of workflow definitions deployed together, all or
 * nothing. Each one is matched to a workflow by its definition's `id` when given, else by `key` (a
 * stable name the deployer chooses; `switchboard deploy` uses `<file path relative to the dir>#<export
 * name>`). A workflow that matches nothing is created under the definition's integration.
 */
export const deployWorkflowsBodySchema = z
  .object({
    workflows: z
      .array(
        z.object({
          key: z.string().trim().min(1).max(500),
          /** A WorkflowDefinition (docs/workflows.md), validated with the engine. */
          definition: z.record(z.string(), z.unknown()),
        }),
      )
      .min(1, 'deploy at least one workflow')
      .max(500),
    /** Validate and answer what would happen, storing nothing. */
    dryRun: z.boolean().optional(),
  })
  .meta({ id: 'DeployWorkflowsBody' });
export type DeployWorkflowsBody = z.infer<typeof deployWorkflowsBodySchema>;

export const workflowDeployOutcomeSchema = z.enum(['created', 'newVersion', 'unchanged']);

export const deployWorkflowsResponseSchema = z
  .object({
    dryRun: z.boolean(),
    workflows: z.array(
      z.object({
        key: z.string(),
        /** The workflow's id (on a dry run, the id a created workflow would get is not kept). */
        workflowId: z.uuid(),
        integration: z.string(),
        description: z.string(),
        /** created: a new workflow (version 1); newVersion: the definition changed; unchanged: nothing stored. */
        outcome: workflowDeployOutcomeSchema,
        /** The version now current: the new one, or the latest when unchanged. */
        version: z.number().int().min(1),
        versionId: z.uuid(),
      }),
    ),
  })
  .meta({ id: 'DeployWorkflowsResponse' });
export type DeployWorkflowsResponse = z.infer<typeof deployWorkflowsResponseSchema>;

/** POST /admin/projects/:projectId/executions/:executionId/replay (the body is optional). */
export const replayExecutionBodySchema = z
  .object({
    /**
     * Which version of the workflow the replay runs: `latest` (default: the one deployed now, to re-run
     * after a fix) or `original` (the version the replayed execution ran).
     */
    version: z.enum(['latest', 'original']).default('latest'),
  })
  .meta({ id: 'ReplayExecutionBody' });
export type ReplayExecutionBody = z.infer<typeof replayExecutionBodySchema>;
