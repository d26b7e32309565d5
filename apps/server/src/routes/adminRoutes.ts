import {
  addSigningKeyBodySchema,
  addSigningKeyResponseSchema,
  adminIntegrationSchema,
  adminWorkflowSchema,
  createProjectBodySchema,
  createProjectResponseSchema,
  createUserTokenBodySchema,
  createUserTokenResponseSchema,
  createWorkflowBodySchema,
  enableIntegrationBodySchema,
  errorBodySchema,
  projectSchema,
} from '@switchboard/contracts';
import type { Database } from '@switchboard/db';
import type { Keyring } from '@switchboard/vault';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { disableIntegration, enableIntegration, listProjectIntegrations } from '../admin/integrationAdmin';
import {
  addSigningKey,
  createProject,
  getProject,
  listAllProjects,
  removeSigningKey,
} from '../admin/projectAdmin';
import { createUserToken } from '../admin/userTokenAdmin';
import { createWorkflow, listProjectWorkflows } from '../admin/workflowAdmin';
import {
  type AdminAuthenticator,
  type AdminPrincipal,
  requireInstance,
  requireProject,
} from '../auth/adminAuthenticator';
import type { UserTokenVerifier } from '../auth/userTokenVerifier';
import type { CatalogView } from '../catalogView';
import type { ActiveIntegrationsCache } from '../sdk/activeIntegrationsCache';

export interface AdminRouteDeps {
  db: Kysely<Database>;
  catalog: CatalogView;
  activeIntegrations: ActiveIntegrationsCache;
  keyring: Keyring;
  admin: AdminAuthenticator;
  verifier: UserTokenVerifier;
}

declare module 'fastify' {
  interface FastifyRequest {
    adminPrincipal: AdminPrincipal;
  }
  interface FastifyContextConfig {
    /** The route accepts a project API key as well as the instance admin key. */
    anyAdminKey?: boolean;
  }
}

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };
const instanceOnly = [{ adminKey: [] }];
const projectOrInstance = [{ adminKey: [] }, { projectApiKey: [] }];
const projectParams = z.object({ projectId: z.uuid() });

/**
 * The admin API. Instance-level calls take the instance admin key; project-level calls take that
 * key or the project's own API key (`Authorization: Bearer <key>`). The CLI uses this API while the
 * server owns the embedded database.
 */
export function adminRoutes(deps: AdminRouteDeps): FastifyPluginAsyncZod {
  const { db, catalog } = deps;
  return async (app) => {
    app.decorateRequest('adminPrincipal', null as never);
    // Authenticate before validation (see sdkAccountRoutes); the project scope is checked on raw params,
    // which is safe: a malformed id simply matches no project key's project.
    app.addHook('preValidation', async (request) => {
      request.adminPrincipal = await deps.admin.authenticate(request.headers.authorization);
      const projectId = (request.params as { projectId?: string }).projectId;
      if (projectId) requireProject(request.adminPrincipal, projectId);
      else if (!request.routeOptions.config.anyAdminKey) requireInstance(request.adminPrincipal);
    });

    app.post(
      '/admin/projects',
      {
        schema: {
          tags: ['Admin'],
          summary: 'Create a project with an API key and a signing key',
          description:
            'Without publicKey a key pair is generated: the RS256 private key (signingKey) and the apiKey are shown only in this response.',
          security: instanceOnly,
          body: createProjectBodySchema,
          response: { 201: createProjectResponseSchema, ...errors },
        },
      },
      async (request, reply) => reply.status(201).send(await createProject(db, request.body)),
    );

    app.get(
      '/admin/projects',
      {
        schema: {
          tags: ['Admin'],
          summary: 'List projects',
          security: instanceOnly,
          response: { 200: z.array(projectSchema), ...errors },
        },
      },
      async () => listAllProjects(db),
    );

    app.get(
      '/admin/projects/:projectId',
      {
        schema: {
          tags: ['Admin'],
          summary: 'A project and its signing keys',
          security: projectOrInstance,
          params: projectParams,
          response: { 200: projectSchema, ...errors },
        },
      },
      async (request) => getProject(db, request.params.projectId),
    );

    app.post(
      '/admin/projects/:projectId/signing-keys',
      {
        schema: {
          tags: ['Admin'],
          summary: 'Add a signing key (rotation): register publicKey, or generate a pair',
          security: projectOrInstance,
          params: projectParams,
          body: addSigningKeyBodySchema,
          response: { 201: addSigningKeyResponseSchema, ...errors },
        },
      },
      async (request, reply) => {
        const result = await addSigningKey(db, request.params.projectId, request.body);
        deps.verifier.forget(request.params.projectId);
        return reply.status(201).send(result);
      },
    );

    app.delete(
      '/admin/projects/:projectId/signing-keys/:keyId',
      {
        schema: {
          tags: ['Admin'],
          summary: 'Deactivate a signing key (tokens it signed stop verifying)',
          security: projectOrInstance,
          params: projectParams.extend({ keyId: z.uuid() }),
          response: { 200: z.object({ deactivated: z.literal(true) }), ...errors, 409: errorBodySchema },
        },
      },
      async (request) => {
        await removeSigningKey(db, request.params.projectId, request.params.keyId);
        deps.verifier.forget(request.params.projectId);
        return { deactivated: true as const };
      },
    );

    app.get(
      '/admin/projects/:projectId/integrations',
      {
        schema: {
          tags: ['Admin'],
          summary: "The project's integrations (client secrets are never returned)",
          security: projectOrInstance,
          params: projectParams,
          response: { 200: z.array(adminIntegrationSchema), ...errors },
        },
      },
      async (request) => listProjectIntegrations(db, request.params.projectId),
    );

    app.post(
      '/admin/projects/:projectId/integrations',
      {
        schema: {
          tags: ['Admin'],
          summary: 'Activate a catalog integration for the project (idempotent; updates given settings)',
          security: projectOrInstance,
          params: projectParams,
          body: enableIntegrationBodySchema,
          response: { 200: adminIntegrationSchema, ...errors },
        },
      },
      async (request) => {
        const integration = await enableIntegration(
          { db, catalog, keyring: deps.keyring },
          request.params.projectId,
          request.body,
        );
        deps.activeIntegrations.invalidate(request.params.projectId);
        return integration;
      },
    );

    app.delete(
      '/admin/projects/:projectId/integrations/:type',
      {
        schema: {
          tags: ['Admin'],
          summary: "Deactivate an integration (users' credentials are kept for re-activation)",
          security: projectOrInstance,
          params: projectParams.extend({ type: z.string().min(1).max(100) }),
          response: { 200: z.object({ deactivated: z.literal(true) }), ...errors },
        },
      },
      async (request) => {
        await disableIntegration(db, request.params.projectId, request.params.type);
        deps.activeIntegrations.invalidate(request.params.projectId);
        return { deactivated: true as const };
      },
    );

    app.get(
      '/admin/projects/:projectId/workflows',
      {
        schema: {
          tags: ['Admin'],
          summary: "The project's workflows",
          security: projectOrInstance,
          params: projectParams,
          response: { 200: z.array(adminWorkflowSchema), ...errors },
        },
      },
      async (request) => listProjectWorkflows(db, request.params.projectId),
    );

    app.post(
      '/admin/projects/:projectId/workflows',
      {
        schema: {
          tags: ['Admin'],
          summary: 'Register a workflow under an integration (its steps arrive with the workflow engine)',
          security: projectOrInstance,
          params: projectParams,
          body: createWorkflowBodySchema,
          response: { 201: adminWorkflowSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await createWorkflow(db, request.params.projectId, request.body)),
    );

    app.post(
      '/admin/projects/:projectId/user-tokens',
      {
        schema: {
          tags: ['Admin'],
          summary: 'Sign a User Token with a private key you hold (development convenience)',
          description:
            "Checks that signingKey matches one of the project's active keys, then signs {sub, iat, exp[, aud]} with RS256. " +
            'In production sign tokens in your own backend; the private key never needs to leave it.',
          security: projectOrInstance,
          params: projectParams,
          body: createUserTokenBodySchema,
          response: { 200: createUserTokenResponseSchema, ...errors },
        },
      },
      async (request) => createUserToken(db, request.params.projectId, request.body),
    );

    app.get(
      '/admin/catalog',
      {
        schema: {
          tags: ['Admin'],
          summary: 'Integrations available in the catalog',
          security: projectOrInstance,
          response: {
            200: z.array(
              z.object({
                type: z.string(),
                name: z.string(),
                authenticationType: z.enum(['oauth', 'basic']),
              }),
            ),
            ...errors,
          },
        },
        config: { anyAdminKey: true },
      },
      async () =>
        catalog.list().map((e) => ({ type: e.type, name: e.name, authenticationType: e.authenticationType })),
    );
  };
}
