import {
  AppError,
  errorBodySchema,
  listMonitoringEventsQuerySchema,
  type MonitoringEvent,
  monitoringEventSchema,
} from '@switchboard/contracts';
import { type Database, findProject, listMonitoringEvents } from '@switchboard/db';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { type AdminAuthenticator, requireProject } from '../auth/adminAuthenticator';

export interface MonitoringEventRouteDeps {
  db: Kysely<Database>;
  admin: AdminAuthenticator;
}

/**
 * `GET /admin/projects/:projectId/events`: the project's monitoring events, newest first — today the
 * credential failures (a provider revoked a user's grant during a refresh). Instance admin key or the
 * project's API key.
 */
export function monitoringEventRoutes(deps: MonitoringEventRouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/admin/projects/:projectId/events',
      {
        schema: {
          tags: ['Admin'],
          summary: "The project's monitoring events (credential failures), newest first",
          security: [{ adminKey: [] }, { projectApiKey: [] }],
          params: z.object({ projectId: z.uuid() }),
          querystring: listMonitoringEventsQuerySchema,
          response: {
            200: z.array(monitoringEventSchema),
            400: errorBodySchema,
            401: errorBodySchema,
            404: errorBodySchema,
          },
        },
        preValidation: async (request) => {
          const principal = await deps.admin.authenticate(request.headers.authorization);
          requireProject(principal, (request.params as { projectId?: string }).projectId ?? '');
        },
      },
      async (request): Promise<MonitoringEvent[]> => {
        const { projectId } = request.params;
        if (!(await findProject(deps.db, projectId)))
          throw new AppError('PROJECT_NOT_FOUND', 404, `project ${projectId} does not exist.`);
        const rows = await listMonitoringEvents(deps.db, projectId, {
          limit: request.query.limit,
          ...(request.query.kind ? { kind: request.query.kind } : {}),
        });
        return rows.map((row) => ({
          id: row.id,
          kind: row.kind,
          connectedUserId: row.connectedUserId,
          credentialId: row.credentialId,
          integrationType: row.integrationType,
          payload: row.payload,
          dateCreated: row.createdAt.toISOString(),
        }));
      },
    );
  };
}
