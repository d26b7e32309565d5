import type { IntegrationDefinition } from '@switchboard/catalog';
import {
  AppError,
  type ConnectInput,
  credentialSchema,
  errorBodySchema,
  type IntegrationAccount,
  integrationAccountSchema,
  meResponseSchema,
  patchCredentialBodySchema,
  patchMeBodySchema,
  sdkIntegrationSchema,
} from '@switchboard/contracts';
import {
  type Database,
  deleteUserCredentials,
  findCredentialSecrets,
  findIntegration,
  findUserCredential,
  findWorkflow,
  type IntegrationRow,
  listUserCredentials,
  listWorkflows,
  loadUserAccount,
  mergeUserMeta,
  replaceConfigurationSettings,
  setWorkflowEnabled,
} from '@switchboard/db';
import type { Keyring } from '@switchboard/vault';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { presentWorkflow } from '../admin/workflowAdmin';
import type { ConnectedUserRef, ConnectedUserResolver } from '../auth/connectedUserResolver';
import type { CatalogView } from '../catalogView';
import { revokeCredential } from '../connect/revokeCredential';
import type { OpenedSecrets, RefreshContext, TokenRefresher } from '../credentials/tokenRefresher';
import type { ActiveIntegrationsCache } from '../sdk/activeIntegrationsCache';
import { presentAccountAuth } from '../sdk/presentAccountAuth';
import { presentCredential } from '../sdk/presentCredential';
import { presentSdkIntegration } from '../sdk/presentSdkIntegration';
import { presentUserState } from '../sdk/presentUserState';
import { headerValue, selectConfiguration, selectCredential } from '../sdk/selectCredential';

export interface SdkRouteDeps {
  db: Kysely<Database>;
  catalog: CatalogView;
  activeIntegrations: ActiveIntegrationsCache;
  keyring: Keyring;
  definitionOf(type: string): IntegrationDefinition | undefined;
  fetch: typeof fetch;
  /** Fresh access tokens for `includeAccountAuth=true` (the proxy's single-flight refresher). */
  tokens: TokenRefresher;
  /** Told after a Connected User's credentials change here (disconnect, a grant found revoked). */
  onCredentialsChanged?(connectedUserId: string): void;
  resolveConnectedUser: ConnectedUserResolver;
  originOf(request: FastifyRequest): string;
}

const projectParams = z.object({ projectId: z.uuid() });
const errorResponses = { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema };
const security = [{ userToken: [] }];

declare module 'fastify' {
  interface FastifyRequest {
    connectedUser: ConnectedUserRef;
  }
}

/**
 * The Connected User's account API (wire protocol sections 4, 5, 12): user state, metadata,
 * integrations, credentials and their configurations. Every route authenticates the User Token of
 * the project in the path; anything that is not the caller's is a 404 (a 401/403 would make the
 * official client log the user out).
 */
export function sdkAccountRoutes(deps: SdkRouteDeps): FastifyPluginAsyncZod {
  const { db, catalog } = deps;

  const activeIntegrations = (projectId: string) => deps.activeIntegrations.get(projectId);

  async function integrationOfUser(user: ConnectedUserRef, integrationId: string) {
    const integration = await findIntegration(db, user.projectId, integrationId);
    if (!integration) {
      throw new AppError(
        'INTEGRATION_NOT_FOUND',
        404,
        `integration ${integrationId} does not exist in this project.`,
      );
    }
    return integration;
  }

  /**
   * `getIntegrationAccount(type, { includeAccountAuth: true })`, which every ExternalFilePicker calls
   * (wire protocol 5.15, 10): the selected (or current) credential of this user plus its access token,
   * refreshed first when it is about to expire. Only for entries with a file picker: no other
   * integration's token ever reaches the browser. Failures are 400/404/409/502, never 401/403 (which
   * would log the user out of the official client).
   */
  async function integrationAccount(
    request: FastifyRequest,
    user: ConnectedUserRef,
    integration: IntegrationRow,
  ): Promise<IntegrationAccount> {
    const definition = deps.definitionOf(integration.type);
    if (!definition?.filePicker) {
      throw new AppError(
        'VALIDATION_FAILED',
        400,
        `${integration.type} is not a file-storage integration; accountAuth (the access token) is only given for file pickers. Leave out includeAccountAuth=true.`,
      );
    }
    const credentials = await listUserCredentials(db, user.id, { integrationId: integration.id });
    const credential = selectCredential(
      credentials,
      headerValue(request.headers['x-paragon-credential']),
      integration.type,
    );
    if (credential.status === 'INVALID') throw mustReconnect(definition.name, credential.id);
    if (credential.status !== 'VALID') {
      throw new AppError(
        'INTEGRATION_NOT_INSTALLED',
        404,
        `The ${integration.type} credential ${credential.id} is ${credential.status}; finish connecting it first.`,
      );
    }
    const stored = await findCredentialSecrets(db, credential.id);
    if (!stored) {
      throw new AppError(
        'INTEGRATION_NOT_INSTALLED',
        404,
        `The ${integration.type} credential ${credential.id} holds no tokens; reconnect it first.`,
      );
    }
    let opened = deps.tokens.open(stored.sealed);
    let refreshed = false;
    if (deps.tokens.needsRefresh(opened.secrets)) {
      const context: RefreshContext = { credential, definition, integration, origin: deps.originOf(request) };
      opened = await refreshForPicker(context, opened);
      refreshed = true;
    }
    const { secrets } = opened;
    // Picker entries are OAuth-only (the catalog schema says so); a token past its expiry that cannot be
    // refreshed (no refresh token) is useless to the picker.
    if (secrets.kind !== 'oauth2' || (secrets.expiresAt && Date.parse(secrets.expiresAt) <= Date.now())) {
      throw mustReconnect(definition.name, credential.id, 'its access token expired and cannot be refreshed');
    }
    // A refresh moved dateRefreshed/dateValidUntil (and maybe providerData): answer the stored row.
    const current = refreshed
      ? ((await findUserCredential(db, user.id, credential.id)) ?? credential)
      : credential;
    return {
      ...presentCredential(current),
      accountAuth: presentAccountAuth(definition, current.providerData, secrets.accessToken),
    };
  }

  /** The refresher's CREDENTIAL_INVALID is a 401, which on this non-proxy route would log the user out. */
  async function refreshForPicker(context: RefreshContext, stale: OpenedSecrets): Promise<OpenedSecrets> {
    try {
      return await deps.tokens.refresh(context, stale);
    } catch (error) {
      if (error instanceof AppError && error.code === 'CREDENTIAL_INVALID') {
        deps.onCredentialsChanged?.(context.credential.connectedUserId);
        throw mustReconnect(context.definition.name, context.credential.id);
      }
      throw error;
    }
  }

  return async (app) => {
    app.decorateRequest('connectedUser', null as never);
    // Authenticate before the body is validated, so callers without a valid token learn nothing about
    // request schemas. A malformed project id is left to params validation (a 400 that says so).
    app.addHook('preValidation', async (request) => {
      const { projectId } = request.params as { projectId?: string };
      if (!projectId || !projectParams.shape.projectId.safeParse(projectId).success) return;
      request.connectedUser = await deps.resolveConnectedUser(projectId, request.headers.authorization);
    });

    app.get(
      '/projects/:projectId/sdk/me',
      {
        schema: {
          tags: ['SDK'],
          summary: "The Connected User's state: integrations, credentials, metadata",
          security,
          params: projectParams,
          response: { 200: meResponseSchema, ...errorResponses },
        },
      },
      async (request) => {
        const user = request.connectedUser;
        const [integrations, account] = await Promise.all([
          activeIntegrations(user.projectId),
          loadUserAccount(db, user.id),
        ]);
        return presentUserState({
          projectId: user.projectId,
          userId: user.externalId,
          meta: account?.meta ?? {},
          integrations,
          credentials: account?.credentials ?? [],
        });
      },
    );

    app.patch(
      '/projects/:projectId/sdk/me',
      {
        schema: {
          tags: ['SDK'],
          summary: 'Merge metadata into the Connected User (keys given replace keys stored; others stay)',
          security,
          params: projectParams,
          body: patchMeBodySchema,
          response: { 200: z.object({ meta: z.record(z.string(), z.json()) }), ...errorResponses },
        },
      },
      async (request) => ({ meta: await mergeUserMeta(db, request.connectedUser.id, request.body.meta) }),
    );

    app.get(
      '/projects/:projectId/sdk/integrations',
      {
        schema: {
          tags: ['SDK'],
          summary: "The project's active integrations, with portal configuration and workflows",
          security,
          params: projectParams,
          response: { 200: z.array(sdkIntegrationSchema), ...errorResponses },
        },
      },
      async (request) => {
        const user = request.connectedUser;
        const [integrations, workflows, credentials] = await Promise.all([
          activeIntegrations(user.projectId),
          listWorkflows(db, user.projectId),
          listUserCredentials(db, user.id),
        ]);
        const origin = deps.originOf(request);
        return integrations.map((row) =>
          presentSdkIntegration({
            row,
            entry: catalog.get(row.type)!,
            workflows: workflows
              .filter((w) => w.integrationId === row.id)
              .map((w) => ({ ...presentWorkflow(w), inputs: w.inputs as unknown as ConnectInput[] })),
            origin,
            hasCredential: credentials.some((c) => c.integrationId === row.id),
          }),
        );
      },
    );

    app.get(
      '/projects/:projectId/sdk/credentials',
      {
        schema: {
          tags: ['SDK'],
          summary:
            "The user's credentials; with ?integration=<type>, the selected (or current) one of that type",
          description:
            'Without `integration`: an array of every credential. With it: one credential object — the one in ' +
            'X-Paragon-Credential, else the current one (what the official `getIntegrationAccount` reads). ' +
            'With `includeAccountAuth=true` (file-storage integrations only, for the ExternalFilePicker) the ' +
            'object also carries `accountAuth`: the SECRET access token, refreshed first when it is about to ' +
            'expire, and for OneDrive the picker `DOMAIN`; that answer is sent with `Cache-Control: no-store`.',
          security,
          params: projectParams,
          querystring: z.object({
            integration: z.string().min(1).max(100).optional(),
            // The official client sends the literal string "undefined" when the option is omitted.
            includeAccountAuth: z.enum(['true', 'false', 'undefined']).optional(),
          }),
          response: {
            200: z.union([integrationAccountSchema, z.array(credentialSchema)]),
            ...errorResponses,
            409: errorBodySchema,
            502: errorBodySchema,
          },
        },
      },
      async (request, reply) => {
        const user = request.connectedUser;
        const { integration: type } = request.query;
        const includeAccountAuth = request.query.includeAccountAuth === 'true';
        // Errors too: nothing about a request for a token should sit in a cache.
        if (includeAccountAuth) reply.header('cache-control', 'no-store');
        if (!type) {
          if (includeAccountAuth) {
            throw new AppError(
              'VALIDATION_FAILED',
              400,
              'includeAccountAuth=true needs ?integration=<type>: the access token is given for one file-storage integration at a time.',
            );
          }
          return (await listUserCredentials(db, user.id)).map(presentCredential);
        }
        const integration = (await activeIntegrations(user.projectId)).find((row) => row.type === type);
        if (!integration) {
          throw new AppError(
            'INTEGRATION_NOT_FOUND',
            404,
            `"${type}" is not an active integration of this project.`,
          );
        }
        if (includeAccountAuth) return integrationAccount(request, user, integration);
        const credentials = await listUserCredentials(db, user.id, { integrationId: integration.id });
        const selected = selectCredential(
          credentials,
          headerValue(request.headers['x-paragon-credential']),
          type,
        );
        return presentCredential(selected);
      },
    );

    const credentialParams = projectParams.extend({ credentialId: z.uuid() });
    async function ownCredential(user: ConnectedUserRef, credentialId: string) {
      const credential = await findUserCredential(db, user.id, credentialId);
      if (!credential)
        throw new AppError('CREDENTIAL_NOT_FOUND', 404, `credential ${credentialId} does not exist.`);
      return credential;
    }

    app.get(
      '/projects/:projectId/sdk/credentials/:credentialId',
      {
        schema: {
          tags: ['SDK'],
          summary: "One of the user's credentials",
          security,
          params: credentialParams,
          response: { 200: credentialSchema, ...errorResponses },
        },
      },
      async (request) =>
        presentCredential(await ownCredential(request.connectedUser, request.params.credentialId)),
    );

    app.patch(
      '/projects/:projectId/sdk/credentials/:credentialId',
      {
        schema: {
          tags: ['SDK'],
          summary: "Replace a credential configuration's workflowSettings and/or sharedSettings",
          description:
            'Each key present in `config` (workflowSettings — or its old name configuredWorkflows — and ' +
            'sharedSettings) replaces that map whole; keys absent are left as stored. The configuration is ' +
            'the one in X-Paragon-Configuration-Id, else the default. A body that fails validation changes nothing.',
          security,
          params: credentialParams,
          body: patchCredentialBodySchema,
          response: { 200: credentialSchema, ...errorResponses },
        },
      },
      async (request) => {
        const credential = await ownCredential(request.connectedUser, request.params.credentialId);
        const configuration = selectConfiguration(
          credential,
          headerValue(request.headers['x-paragon-configuration-id']),
        );
        const { workflowSettings, configuredWorkflows, sharedSettings } = request.body.config;
        if (workflowSettings && configuredWorkflows) {
          throw new AppError(
            'VALIDATION_FAILED',
            400,
            'Send workflowSettings or its deprecated name configuredWorkflows, not both.',
          );
        }
        const workflows = workflowSettings ?? configuredWorkflows;
        await replaceConfigurationSettings(db, configuration.id, {
          ...(workflows ? { workflowSettings: workflows } : {}),
          ...(sharedSettings ? { sharedSettings } : {}),
        } as Parameters<typeof replaceConfigurationSettings>[2]);
        return presentCredential(await ownCredential(request.connectedUser, credential.id));
      },
    );

    app.delete(
      '/projects/:projectId/sdk/integrations/:integrationId',
      {
        schema: {
          tags: ['SDK'],
          summary:
            'Disconnect an integration: revoke at the provider and delete the credential in X-Paragon-Credential, or all of them',
          description:
            'Deletes the credential with its configurations (User Settings and workflow state). Revoking the token at the provider arrives with the connect flow.',
          security,
          params: projectParams.extend({ integrationId: z.uuid() }),
          response: { 200: z.object({ deletedCredentialIds: z.array(z.uuid()) }), ...errorResponses },
        },
      },
      async (request) => {
        const user = request.connectedUser;
        const integration = await integrationOfUser(user, request.params.integrationId);
        const credentials = await listUserCredentials(db, user.id, { integrationId: integration.id });
        const requested = headerValue(request.headers['x-paragon-credential']);
        const target = requested ? selectCredential(credentials, requested, integration.type).id : undefined;
        const definition = deps.definitionOf(integration.type);
        if (definition) {
          for (const credential of credentials.filter((c) => !target || c.id === target)) {
            await revokeCredential(
              { db, keyring: deps.keyring, fetch: deps.fetch, log: request.log },
              { credential, integration, definition, switchboardOrigin: deps.originOf(request) },
            );
          }
        }
        const deletedCredentialIds = await deleteUserCredentials(db, user.id, integration.id, target);
        deps.onCredentialsChanged?.(user.id);
        if (deletedCredentialIds.length === 0) {
          throw new AppError(
            'INTEGRATION_NOT_INSTALLED',
            404,
            `${integration.type} is not connected for this user.`,
          );
        }
        return { deletedCredentialIds };
      },
    );

    const workflowParams = projectParams.extend({ workflowId: z.uuid() });
    for (const [method, enabled] of [
      ['POST', true],
      ['DELETE', false],
    ] as const) {
      app.route({
        method,
        url: '/projects/:projectId/sdk/workflows/:workflowId',
        schema: {
          tags: ['SDK'],
          summary: `${enabled ? 'Enable' : 'Disable'} a workflow for the user's credential configuration`,
          description:
            'Sets workflowSettings[workflowId].enabled on the configuration in X-Paragon-Configuration-Id (else ' +
            "the default) of the credential in X-Paragon-Credential (else the current credential of the workflow's integration).",
          security,
          params: workflowParams,
          response: { 200: credentialSchema, ...errorResponses },
        },
        handler: async (request) => {
          const user = request.connectedUser;
          const { workflowId } = request.params;
          const workflow = await findWorkflow(db, user.projectId, workflowId);
          if (!workflow)
            throw new AppError('WORKFLOW_NOT_FOUND', 404, `workflow ${workflowId} does not exist.`);
          const integration = await integrationOfUser(user, workflow.integrationId);
          const credentials = await listUserCredentials(db, user.id, { integrationId: integration.id });
          const credential = selectCredential(
            credentials,
            headerValue(request.headers['x-paragon-credential']),
            integration.type,
          );
          const configuration = selectConfiguration(
            credential,
            headerValue(request.headers['x-paragon-configuration-id']),
          );
          await setWorkflowEnabled(db, configuration.id, workflowId, enabled);
          return presentCredential(await findUserCredential(db, user.id, credential.id).then((c) => c!));
        },
      });
    }
  };
}

/** A credential the provider no longer honours. 409, not the refresher's 401: see integrationAccount. */
function mustReconnect(name: string, credentialId: string, why = 'the provider revoked it'): AppError {
  return new AppError(
    'CREDENTIAL_INVALID',
    409,
    `The ${name} credential ${credentialId} is no longer valid (${why}); the user must reconnect ${name}.`,
  );
}
