import { errorBodySchema, workflowVersionSchema } from '@switchboard/contracts';
import type { Database } from '@switchboard/db';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { deployWorkflowVersion, listVersionsOfWorkflow } from '../admin/workflowVersionAdmin';
import { type AdminAuthenticator, requireProject } from '../auth/adminAuthenticator';

export interface WorkflowVersionRouteDeps {
  db: Kysely<Database>;
  admin: AdminAuthenticator;
}

const params = z.object({ projectId: z.uuid(), workflowId: z.uuid() });
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };
const security = [{ adminKey: [] }, { projectApiKey: [] }];

/**
 * Deploys: every `POST .../versions` stores a new immutable version of the workflow's definition;
 * executions run the latest version at the time they start and record which one.
 */
export function workflowVersionRoutes(deps: WorkflowVersionRouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preValidation', async (request) => {
      const principal = await deps.admin.authenticate(request.headers.authorization);
      requireProject(principal, (request.params as { projectId?: string }).projectId ?? '');
    });

    app.post(
      '/admin/projects/:projectId/workflows/:workflowId/versions',
      {
        schema: {
          tags: ['Admin'],
          summary:
            'Deploy a new version of a workflow (the body is a WorkflowDefinition, see docs/workflows.md)',
          description:
            'Validated with the engine: a bad definition is a 400 whose `details` list every problem with its path. ' +
            "The definition's `integration` must be the workflow's.",
          security,
          params,
          body: z.record(z.string(), z.unknown()),
          response: { 201: workflowVersionSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await deployWorkflowVersion(
              deps.db,
              request.params.projectId,
              request.params.workflowId,
              request.body,
            ),
          ),
    );

    app.get(
      '/admin/projects/:projectId/workflows/:workflowId/versions',
      {
        schema: {
          tags: ['Admin'],
          summary: "A workflow's deployed versions, newest first",
          security,
          params,
          response: { 200: z.array(workflowVersionSchema), ...errors },
        },
      },
      async (request) => listVersionsOfWorkflow(deps.db, request.params.projectId, request.params.workflowId),
    );
  };
}
