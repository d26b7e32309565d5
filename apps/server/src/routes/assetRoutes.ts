import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import { AppError, executionDetailSchema } from '@switchboard/contracts';
import {
  type Database,
  findConnectedUserByExternalId,
  findWorkflowVersion,
  listExecutions,
  withStepRecords,
} from '@switchboard/db';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CatalogView } from '../catalogView';
import { findDemoWorkflowIds } from '../demoWorkflowsSetup';
import { signUserToken } from '../keys/signUserToken';
import { presentExecutionDetail } from '../workflows/presentExecution';

export interface AssetRouteDeps {
  /** Read by the development-only demo routes (the demo workflows' ids, the sample user's task history). */
  db: Kysely<Database>;
  catalog: CatalogView;
  /** `portal`: the Connect Portal's Vite build (apps/portal/dist), served at /ui/ when present. */
  paths: { demo: string; sdkDist: string; portal: string };
  /** Present in development mode: the demo page signs tokens for a sample user of this project. */
  demo: { projectId: string; privateKeyPem: string } | undefined;
  originOf(request: { protocol: string; host: string }): string;
}

/**
 * The Connect Portal's CSP. Any customer app embeds the portal in an iframe, hence `frame-ancestors *`;
 * everything else is this origin only: the portal's own scripts and styles (no inline code), the SDK
 * API and integration icons. The portal receives the User Token by postMessage, never in its URL.
 */
export const portalContentSecurityPolicy = [
  "default-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  'frame-ancestors *',
].join('; ');

/** Integration icons, the SDK's browser build, the Connect Portal, the health check and (in development) the demo page. */
export function assetRoutes(deps: AssetRouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

    app.get(
      '/integrations/:file',
      {
        schema: {
          tags: ['Assets'],
          summary:
            "An integration's icon (the official client's CDN icon URL: <host>/integrations/<type>.svg)",
          params: z.object({ file: z.string().regex(/^[a-z0-9._-]+\.svg$/) }),
        },
      },
      async (request, reply) => {
        const type = request.params.file.replace(/\.svg$/, '');
        const entry = deps.catalog.get(type);
        if (!entry) throw new AppError('INTEGRATION_NOT_IN_CATALOG', 404, `no icon for "${type}".`);
        return reply
          .type('image/svg+xml')
          .header('cache-control', 'public, max-age=86400')
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
          .send(entry.iconSvg);
      },
    );

    if (existsSync(deps.paths.sdkDist)) {
      await app.register(fastifyStatic, {
        root: deps.paths.sdkDist,
        prefix: '/sdk/',
        decorateReply: false,
        preCompressed: true,
      });
    }

    if (deps.paths.portal && existsSync(deps.paths.portal)) {
      await app.register(fastifyStatic, {
        root: deps.paths.portal,
        prefix: '/ui/',
        decorateReply: false,
        redirect: true,
        // scripts/build.mjs writes .br and .gz beside each file.
        preCompressed: true,
        cacheControl: false,
        setHeaders(res, filePath) {
          res.setHeader('content-security-policy', portalContentSecurityPolicy);
          res.setHeader('x-content-type-options', 'nosniff');
          res.setHeader('referrer-policy', 'no-referrer');
          // Vite names assets by content hash; the page itself must be revalidated to pick up new ones.
          res.setHeader(
            'cache-control',
            filePath.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      });
    }

    if (!deps.demo) {
      app.get('/', { schema: { hide: true } }, async () => ({ name: 'Switchboard', docs: '/docs' }));
      return;
    }
    const demo = deps.demo;
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/demo/'));
    await app.register(fastifyStatic, {
      root: deps.paths.demo,
      prefix: '/demo/',
      decorateReply: false,
      redirect: true,
    });
    const demoUserId = z.string().min(1).max(200).default('sample-user');
    app.get(
      '/demo/session',
      {
        schema: {
          tags: ['Demo'],
          summary: 'Development only: a User Token for a sample user of the development project',
          description:
            "Plays the part of a SaaS app's own backend, which signs User Tokens with the project's private key. " +
            "`workflows` holds the ids of the seed's example workflows on the Sandbox CRM (absent when not set up).",
          querystring: z.object({ userId: demoUserId }),
          response: {
            200: z.object({
              projectId: z.uuid(),
              userId: z.string(),
              token: z.string(),
              host: z.string(),
              workflows: z.object({ contactCreated: z.uuid().optional(), leadCreated: z.uuid().optional() }),
            }),
          },
        },
      },
      async (request) => {
        const [{ token }, workflows] = await Promise.all([
          signUserToken({
            privateKeyPem: demo.privateKeyPem,
            userId: request.query.userId,
            ttlSeconds: 3600,
          }),
          findDemoWorkflowIds(deps.db, demo.projectId),
        ]);
        return {
          projectId: demo.projectId,
          userId: request.query.userId,
          token,
          host: deps.originOf(request),
          workflows,
        };
      },
    );
    // The demo page shows task history without the project API key, which a browser must never hold.
    app.get(
      '/demo/executions',
      {
        schema: {
          tags: ['Demo'],
          summary: "Development only: a sample user's latest executions in the development project",
          description:
            'Task history (as GET /admin/projects/:projectId/executions/:executionId shows each one) of one user, newest first.',
          querystring: z.object({
            userId: demoUserId,
            limit: z.coerce.number().int().min(1).max(50).default(10),
          }),
          response: { 200: z.object({ executions: z.array(executionDetailSchema) }) },
        },
      },
      async (request) => {
        const { userId, limit } = request.query;
        const user = await findConnectedUserByExternalId(deps.db, demo.projectId, userId);
        if (!user) return { executions: [] };
        const rows = await withStepRecords(
          deps.db,
          await listExecutions(deps.db, demo.projectId, { connectedUserId: user.id, limit }),
        );
        const executions = await Promise.all(
          rows.map(async (row) =>
            presentExecutionDetail(
              row,
              userId,
              (await findWorkflowVersion(deps.db, row.workflowVersionId))?.version,
            ),
          ),
        );
        return { executions };
      },
    );
  };
}
