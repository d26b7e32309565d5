import { randomBytes } from 'node:crypto';
import {
  AppError,
  createdWebhookDestinationSchema,
  createWebhookDestinationRequestSchema,
  errorBodySchema,
  type WebhookDestination,
  webhookDeliverySchema,
  webhookDestinationSchema,
} from '@switchboard/contracts';
import {
  type Database,
  deleteWebhookDestination,
  findProject,
  findWebhookDestination,
  insertWebhookDestination,
  listWebhookDeliveries,
  listWebhookDestinations,
  type WebhookDestinationRow,
} from '@switchboard/db';
import type { Keyring } from '@switchboard/vault';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { type AdminAuthenticator, requireProject } from '../auth/adminAuthenticator';

export interface WebhookRouteDeps {
  db: Kysely<Database>;
  admin: AdminAuthenticator;
  keyring: Keyring;
  /** Accept http:// destinations (development servers and tests); otherwise https only. */
  allowHttp: boolean;
}

function present(row: WebhookDestinationRow): WebhookDestination {
  return {
    id: row.id,
    url: row.url,
    kinds: row.kinds,
    enabled: row.enabled,
    dateCreated: row.createdAt.toISOString(),
  };
}

/**
 * `/admin/projects/:projectId/webhooks`: where the project's monitoring events (credential and
 * workflow failures) are POSTed, signed with a per-destination secret shown once at creation.
 * Instance admin key or the project's API key.
 */
export function webhookRoutes(deps: WebhookRouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preValidation', async (request) => {
      const principal = await deps.admin.authenticate(request.headers.authorization);
      requireProject(principal, (request.params as { projectId?: string }).projectId ?? '');
      const projectId = (request.params as { projectId?: string }).projectId ?? '';
      if (!z.uuid().safeParse(projectId).success || !(await findProject(deps.db, projectId)))
        throw new AppError('PROJECT_NOT_FOUND', 404, `project ${projectId} does not exist.`);
    });
    const security = [{ adminKey: [] }, { projectApiKey: [] }];
    const errors = { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema };

    app.post(
      '/admin/projects/:projectId/webhooks',
      {
        schema: {
          tags: ['Admin'],
          summary: 'Add a webhook destination for monitoring events (the signing secret is shown once)',
          security,
          params: z.object({ projectId: z.uuid() }),
          body: createWebhookDestinationRequestSchema,
          response: { 201: createdWebhookDestinationSchema, ...errors },
        },
      },
      async (request, reply) => {
        const url = new URL(request.body.url);
        if (url.protocol !== 'https:' && !(deps.allowHttp && url.protocol === 'http:'))
          throw new AppError(
            'VALIDATION_FAILED',
            400,
            `url must be an https:// URL (got ${url.protocol}); events carry signed monitoring data, so plain http is accepted only on a development server.`,
          );
        const secret = `whsec_${randomBytes(24).toString('base64url')}`;
        const row = await insertWebhookDestination(deps.db, {
          projectId: request.params.projectId,
          url: url.toString(),
          secretSealed: deps.keyring.seal(secret),
          kinds: request.body.kinds ? [...new Set(request.body.kinds)] : null,
        });
        reply.code(201);
        return { ...present(row), secret };
      },
    );

    app.get(
      '/admin/projects/:projectId/webhooks',
      {
        schema: {
          tags: ['Admin'],
          summary: "The project's webhook destinations (without secrets)",
          security,
          params: z.object({ projectId: z.uuid() }),
          response: { 200: z.array(webhookDestinationSchema), ...errors },
        },
      },
      async (request) => (await listWebhookDestinations(deps.db, request.params.projectId)).map(present),
    );

    app.delete(
      '/admin/projects/:projectId/webhooks/:webhookId',
      {
        schema: {
          tags: ['Admin'],
          summary: 'Remove a webhook destination and its deliveries',
          security,
          params: z.object({ projectId: z.uuid(), webhookId: z.uuid() }),
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        const { projectId, webhookId } = request.params;
        if (!(await deleteWebhookDestination(deps.db, projectId, webhookId)))
          throw new AppError('WEBHOOK_NOT_FOUND', 404, `project ${projectId} has no webhook ${webhookId}.`);
        reply.code(204);
        return null;
      },
    );

    app.get(
      '/admin/projects/:projectId/webhooks/:webhookId/deliveries',
      {
        schema: {
          tags: ['Admin'],
          summary: "A webhook destination's deliveries, newest first",
          security,
          params: z.object({ projectId: z.uuid(), webhookId: z.uuid() }),
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
          response: { 200: z.array(webhookDeliverySchema), ...errors },
        },
      },
      async (request) => {
        const { projectId, webhookId } = request.params;
        if (!(await findWebhookDestination(deps.db, projectId, webhookId)))
          throw new AppError('WEBHOOK_NOT_FOUND', 404, `project ${projectId} has no webhook ${webhookId}.`);
        const rows = await listWebhookDeliveries(deps.db, webhookId, request.query.limit);
        return rows.map((row) => ({
          id: row.id,
          eventId: row.eventId,
          kind: row.kind,
          status: row.status,
          attempts: row.attempts,
          lastStatus: row.lastStatus,
          lastError: row.lastError,
          nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
          dateCreated: row.createdAt.toISOString(),
          dateDelivered: row.deliveredAt?.toISOString() ?? null,
        }));
      },
    );
  };
}
