import {
  deployWorkflowsBodySchema,
  deployWorkflowsResponseSchema,
  errorBodySchema,
} from '@switchboard/contracts';
import type { Database } from '@switchboard/db';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { deployWorkflows } from '../admin/deployAdmin';
import { type AdminAuthenticator, requireProject } from '../auth/adminAuthenticator';

export interface DeployRouteDeps {
  db: Kysely<Database>;
  admin: AdminAuthenticator;
}

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };

/** Deploys a set of workflows at once, all or nothing (what `switchboard deploy <dir>` calls). */
export function deployRoutes(deps: DeployRouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preValidation', async (request) => {
      const principal = await deps.admin.authenticate(request.headers.authorization);
      requireProject(principal, (request.params as { projectId?: string }).projectId ?? '');
    });

    app.post(
      '/admin/projects/:projectId/deploys',
      {
        schema: {
          tags: ['Admin'],
          summary: 'Deploy workflows: create them or add new versions, all or nothing',
          description:
            "Each workflow is matched by its definition's `id`, else by `key` (stored on the workflow), and created when " +
            'nothing matches (its integration must be active). A new immutable version is stored only when the definition ' +
            'differs from the latest one. Any invalid definition rejects the whole deploy: a 400 whose `details` list every ' +
            'problem as `workflows[<key>].<path>`. `dryRun: true` validates and answers without storing.',
          security: [{ adminKey: [] }, { projectApiKey: [] }],
          params: z.object({ projectId: z.uuid() }),
          body: deployWorkflowsBodySchema,
          response: { 200: deployWorkflowsResponseSchema, ...errors },
        },
      },
      async (request) => deployWorkflows(deps.db, request.params.projectId, request.body),
    );
  };
}
