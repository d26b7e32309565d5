import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IntegrationDefinition } from '@switchboard/catalog';
import { AppError, credentialSchema, errorBodySchema } from '@switchboard/contracts';
import {
  completeCredentialSetup,
  consumeOAuthSession,
  type Database,
  deleteOAuthSessions,
  findIntegration,
  findOAuthSessionByMetaKey,
  findOAuthSessionByState,
  findUserCredential,
  finishOAuthSession,
  type IntegrationRow,
  insertOAuthSession,
} from '@switchboard/db';
import {
  buildAuthorizationUrl,
  createPkcePair,
  exchangeAuthorizationCode,
  type Keyring,
  resolveAccount,
  verifyApiKey,
} from '@switchboard/vault';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { ConnectedUserRef, ConnectedUserResolver } from '../auth/connectedUserResolver';
import { type InstallOptions, installOptionsSchema, requestedAccountType } from '../connect/installOptions';
import { oauthClientOf } from '../connect/oauthClientOf';
import { createOAuthNonceCookie, OAUTH_NONCE_COOKIE, readCookie } from '../connect/oauthNonceCookie';
import { nonceLoadedPage, oauthResultPage, type PopupPage, parseOrigin } from '../connect/popupPages';
import { postSetupValues } from '../connect/postSetupValues';
import { assertInstallable, saveInstalledCredential } from '../connect/saveInstalledCredential';
import { presentCredential } from '../sdk/presentCredential';
import { runIntegrationEnabled } from '../workflows/runIntegrationEnabled';

export interface ConnectRouteDeps {
  db: Kysely<Database>;
  keyring: Keyring;
  definitionOf(type: string): IntegrationDefinition | undefined;
  resolveConnectedUser: ConnectedUserResolver;
  originOf(request: FastifyRequest): string;
  /** Signs the anti-CSRF cookie of the OAuth popup (an instance secret). */
  nonceSecret: string;
  fetch: typeof fetch;
  /** Told after a Connected User's credentials change here (install, re-authentication, setup). */
  onCredentialsChanged?(connectedUserId: string): void;
  /** Told after Integration Enabled executions were queued (wakes the workflow worker). */
  onQueued?(): void;
  now?: () => number;
}

const SESSION_LIFETIME_MS = 10 * 60 * 1000;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const projectParams = z.object({ projectId: z.uuid() });
const metaKeyId = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'letters, digits, _ and - (1–100)');
const jsonParam = <T extends z.ZodType>(schema: T, name: string) =>
  z
    .string()
    .max(20_000)
    .optional()
    .transform((text, ctx) => {
      if (!text || text === 'undefined' || text === 'null') return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: `${name} must be JSON` });
        return z.NEVER;
      }
    })
    .pipe(schema.optional());

/**
 * The install flows (wire protocol section 7; docs/connect-design.md): the OAuth popup — nonce page,
 * build-oauth, the provider, our callback, session-id polling — and API-key installs.
 */
export function connectRoutes(deps: ConnectRouteDeps): FastifyPluginAsyncZod {
  const { db, keyring } = deps;
  const now = deps.now ?? Date.now;
  const nonceCookie = createOAuthNonceCookie(deps.nonceSecret);

  /** The official client sends the token in the query on popup navigations and build-oauth. */
  function authenticate(request: FastifyRequest, projectId: string, userToken: string | undefined) {
    return deps.resolveConnectedUser(
      projectId,
      request.headers.authorization ?? (userToken ? `Bearer ${userToken}` : undefined),
    );
  }

  /**
   * Integration Enabled workflows run once a new credential is VALID (see runIntegrationEnabled): their
   * executions are written in the credential's own transaction; this wakes the worker once committed.
   */
  function queuedIntegrationEnabled(queued: number) {
    if (queued > 0) deps.onQueued?.();
  }

  async function activeIntegration(user: ConnectedUserRef, integrationId: string) {
    const row = await findIntegration(db, user.projectId, integrationId);
    const definition = row?.isActive ? deps.definitionOf(row.type) : undefined;
    if (!row || !definition) {
      throw new AppError(
        'INTEGRATION_NOT_FOUND',
        404,
        `integration ${integrationId} is not active in this project.`,
      );
    }
    return { row, definition };
  }

  function sendPage(reply: FastifyReply, status: number, popup: PopupPage) {
    return reply
      .status(status)
      .type('text/html; charset=utf-8')
      .header('content-security-policy', popup.csp)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .send(popup.html);
  }

  return async (app) => {
    app.get(
      '/projects/:projectId/sdk/actions/oauth-nonce',
      {
        schema: {
          tags: ['Connect'],
          summary: "The OAuth popup's first page: sets the anti-CSRF cookie and tells the opener it is ready",
          params: projectParams,
          querystring: z.looseObject({
            integrationId: z.uuid(),
            originForPostMessage: z.string().max(500),
            userToken: z.string().max(10_000).optional(),
          }),
        },
      },
      async (request, reply) => {
        const origin = parseOrigin(request.query.originForPostMessage);
        try {
          if (!origin)
            throw new AppError('VALIDATION_FAILED', 400, 'originForPostMessage must be an http(s) origin.');
          const user = await authenticate(request, request.params.projectId, request.query.userToken);
          const { row } = await activeIntegration(user, request.query.integrationId);
          const secure = deps.originOf(request).startsWith('https:');
          reply.header(
            'set-cookie',
            nonceCookie.cookieHeader(nonceCookie.issue(user.id, row.id, now()), secure),
          );
          return sendPage(reply, 200, nonceLoadedPage(origin));
        } catch (error) {
          const e = error instanceof AppError ? error : new AppError('INTERNAL', 500, 'Unexpected error.');
          if (!(error instanceof AppError)) request.log.error({ err: error }, 'oauth-nonce failed');
          return sendPage(
            reply,
            e.status,
            oauthResultPage({ error: { code: e.code, message: e.message } }, undefined),
          );
        }
      },
    );

    app.get(
      '/v2/projects/:projectId/sdk/actions/build-oauth',
      {
        schema: {
          tags: ['Connect'],
          summary: "Start an OAuth install: returns the provider's authorization URL",
          description:
            'Creates a single-use OAuth session (state hashed in the database, PKCE verifier sealed, 10-minute expiry) ' +
            'bound to the user, the integration and the client-chosen oauthMetaKeyId the SDK then polls.',
          params: projectParams,
          querystring: z.looseObject({
            integrationId: z.uuid(),
            oauthMetaKeyId: metaKeyId,
            userToken: z.string().max(10_000).optional(),
            originForPostMessage: z.string().max(500).optional(),
            endUserSuppliedValues: jsonParam(
              z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
              'endUserSuppliedValues',
            ),
            installOptions: jsonParam(installOptionsSchema, 'installOptions'),
          }),
          response: {
            200: z.object({ redirectUrl: z.url() }),
            400: errorBodySchema,
            401: errorBodySchema,
            404: errorBodySchema,
            409: errorBodySchema,
          },
        },
      },
      async (request) => {
        const q = request.query;
        const user = await authenticate(request, request.params.projectId, q.userToken);
        const { row, definition } = await activeIntegration(user, q.integrationId);
        if (definition.auth.type !== 'oauth2') {
          throw new AppError(
            'VALIDATION_FAILED',
            400,
            `${definition.name} connects with an API key, not OAuth; send the key to POST /projects/:projectId/sdk/credentials.`,
          );
        }
        const options: InstallOptions = q.installOptions ?? {};
        await assertInstallable(db, {
          connectedUserId: user.id,
          integrationId: row.id,
          integrationType: row.type,
          options,
        });
        const accountType = requestedAccountType(options);
        if (accountType && !(definition.accountTypes ?? []).some((t) => t.id === accountType)) {
          throw new AppError(
            'VALIDATION_FAILED',
            400,
            `${definition.name} has no account type "${accountType}".`,
          );
        }
        const inputs = Object.fromEntries(
          Object.entries(q.endUserSuppliedValues ?? {}).map(([k, v]) => [k, String(v)]),
        );
        for (const input of definition.auth.inputs) {
          if (input.required && !inputs[input.id]) {
            throw new AppError(
              'INSTALL_INPUT_INVALID',
              400,
              `${definition.name} needs "${input.title}" (${input.id}) before connecting.`,
            );
          }
        }
        const client = oauthClientOf(row, definition, keyring);
        const origin = deps.originOf(request);
        const redirectUri = `${origin}/oauth/callback`;
        const state = randomBytes(32).toString('base64url');
        const pkce = definition.auth.pkce ? createPkcePair() : undefined;
        const redirectUrl = buildAuthorizationUrl({
          definition,
          ...(accountType ? { accountType } : {}),
          clientId: client.clientId,
          scopes: row.scopes.length ? row.scopes : [...definition.auth.scopes],
          redirectUri,
          state,
          ...(pkce ? { codeChallenge: pkce.challenge } : {}),
          templateValues: { ...inputs, switchboardOrigin: origin },
        });
        await insertOAuthSession(db, {
          id: randomUUID(),
          projectId: user.projectId,
          connectedUserId: user.id,
          integrationId: row.id,
          stateHash: sha256(state),
          oauthMetaKeyId: q.oauthMetaKeyId,
          codeVerifierSealed: pkce ? keyring.seal(pkce.verifier) : null,
          redirectUri,
          originForPostMessage: parseOrigin(q.originForPostMessage) ?? null,
          inputs: JSON.stringify(inputs),
          installOptions: JSON.stringify(options),
          accountType: accountType ?? null,
          expiresAt: new Date(now() + SESSION_LIFETIME_MS),
        });
        return { redirectUrl };
      },
    );

    app.get(
      '/oauth/callback',
      {
        schema: {
          tags: ['Connect'],
          summary: 'The OAuth redirect URI: exchanges the code and creates the credential',
          querystring: z.looseObject({
            state: z.string().max(200).optional(),
            code: z.string().max(4000).optional(),
            error: z.string().max(200).optional(),
            error_description: z.string().max(1000).optional(),
          }),
        },
      },
      async (request, reply) => {
        const q = request.query;
        const at = new Date(now());
        const stateHash = q.state ? sha256(q.state) : undefined;
        const session = stateHash ? await consumeOAuthSession(db, stateHash, at) : undefined;
        if (!session) {
          const known = stateHash ? await findOAuthSessionByState(db, stateHash) : undefined;
          const message = !known
            ? 'This sign-in link is not valid (unknown state). Start connecting again from the app.'
            : known.usedAt
              ? 'This sign-in link was already used. Start connecting again from the app.'
              : 'This sign-in link has expired. Start connecting again from the app.';
          if (known && !known.credentialId && !known.errorCode) {
            await finishOAuthSession(db, known.id, {
              errorCode: 'OAUTH_STATE_INVALID',
              errorMessage: message,
            });
          }
          const result = known
            ? { oauthMetaKeyId: known.oauthMetaKeyId, error: { code: 'OAUTH_STATE_INVALID', message } }
            : { error: { code: 'OAUTH_STATE_INVALID', message } };
          return sendPage(reply, 400, oauthResultPage(result, known?.originForPostMessage ?? undefined));
        }

        const origin = session.originForPostMessage ?? undefined;
        try {
          if (
            !nonceCookie.verify(
              readCookie(request.headers.cookie, OAUTH_NONCE_COOKIE),
              session.connectedUserId,
              session.integrationId,
              now(),
            )
          ) {
            throw new AppError(
              'OAUTH_STATE_INVALID',
              400,
              'This sign-in was started in another browser or window. Start connecting again from the app.',
            );
          }
          if (q.error) {
            throw q.error === 'access_denied'
              ? new AppError(
                  'OAUTH_CONSENT_DENIED',
                  400,
                  'Access was not granted. Connect again and allow access to continue.',
                )
              : new AppError(
                  'OAUTH_PROVIDER_ERROR',
                  502,
                  `The provider refused the authorization (${q.error}${q.error_description ? `: ${q.error_description}` : ''}).`,
                );
          }
          if (!q.code)
            throw new AppError(
              'OAUTH_PROVIDER_ERROR',
              502,
              'The provider returned neither a code nor an error.',
            );
          const integration = (await findIntegration(
            db,
            session.projectId,
            session.integrationId,
          )) as IntegrationRow;
          const definition = deps.definitionOf(integration.type);
          if (definition?.auth.type !== 'oauth2') {
            throw new AppError('INTEGRATION_NOT_FOUND', 404, 'This integration is no longer available.');
          }
          // Checked again here (another install may have finished since build-oauth), and before the
          // exchange, so a refused install never obtains tokens it would then have to drop.
          const options = installOptionsSchema.parse(session.installOptions);
          await assertInstallable(db, {
            connectedUserId: session.connectedUserId,
            integrationId: session.integrationId,
            integrationType: integration.type,
            options,
          });
          const client = oauthClientOf(integration, definition, keyring);
          const templateValues = {
            ...session.inputs,
            switchboardOrigin: new URL(session.redirectUri).origin,
          };
          const tokenSet = await exchangeAuthorizationCode({
            definition,
            ...(session.accountType ? { accountType: session.accountType } : {}),
            clientId: client.clientId,
            clientSecret: client.clientSecret,
            code: q.code,
            redirectUri: session.redirectUri,
            ...(session.codeVerifierSealed ? { codeVerifier: keyring.open(session.codeVerifierSealed) } : {}),
            templateValues,
            fetch: deps.fetch,
          });
          const account = await resolveAccount({ definition, tokenSet, templateValues, fetch: deps.fetch });
          const { credentialId, queued } = await saveInstalledCredential(
            { db, keyring },
            {
              projectId: session.projectId,
              connectedUserId: session.connectedUserId,
              integrationId: session.integrationId,
              options,
              secrets: {
                kind: 'oauth2',
                accessToken: tokenSet.accessToken,
                ...(tokenSet.refreshToken ? { refreshToken: tokenSet.refreshToken } : {}),
                ...(tokenSet.expiresAt ? { expiresAt: tokenSet.expiresAt.toISOString() } : {}),
                ...(tokenSet.scope ? { scope: tokenSet.scope } : {}),
                extraTokens: { ...tokenSet.extraTokens },
              },
              account,
              inputs: session.inputs,
              validUntil: tokenSet.expiresAt ?? null,
              postInputs: definition.auth.postInputs,
            },
          );
          deps.onCredentialsChanged?.(session.connectedUserId);
          queuedIntegrationEnabled(queued);
          await finishOAuthSession(db, session.id, { credentialId });
          return sendPage(
            reply,
            200,
            oauthResultPage({ oauthMetaKeyId: session.oauthMetaKeyId, credentialId }, origin),
          );
        } catch (error) {
          const e =
            error instanceof AppError
              ? error
              : new AppError('INTERNAL', 500, 'Unexpected error while connecting.');
          if (!(error instanceof AppError)) request.log.error({ err: error }, 'oauth callback failed');
          await finishOAuthSession(db, session.id, { errorCode: e.code, errorMessage: e.message });
          return sendPage(
            reply,
            e.status,
            oauthResultPage(
              { oauthMetaKeyId: session.oauthMetaKeyId, error: { code: e.code, message: e.message } },
              origin,
            ),
          );
        }
      },
    );

    const sessionParams = projectParams.extend({ oauthMetaKeyId: metaKeyId });
    app.get(
      '/projects/:projectId/sdk/actions/session-id/:oauthMetaKeyId',
      {
        schema: {
          tags: ['Connect'],
          summary:
            'Poll an OAuth install: {} while pending, {connectCredentialId} when done, {error} when it failed',
          params: sessionParams,
          response: {
            200: z.object({
              connectCredentialId: z.uuid().optional(),
              error: z.object({ code: z.string(), message: z.string() }).optional(),
            }),
            400: errorBodySchema,
            401: errorBodySchema,
          },
        },
      },
      async (request) => {
        const user = await authenticate(request, request.params.projectId, undefined);
        const session = await findOAuthSessionByMetaKey(db, user.id, request.params.oauthMetaKeyId);
        if (session?.credentialId) return { connectCredentialId: session.credentialId };
        if (session?.errorCode)
          return { error: { code: session.errorCode, message: session.errorMessage ?? '' } };
        return {};
      },
    );

    app.delete(
      '/projects/:projectId/sdk/actions/session-id/:oauthMetaKeyId',
      {
        schema: {
          tags: ['Connect'],
          summary: 'Forget an OAuth install attempt (the SDK calls this when it stops polling)',
          params: sessionParams,
          response: { 200: z.object({}), 400: errorBodySchema, 401: errorBodySchema },
        },
      },
      async (request) => {
        const user = await authenticate(request, request.params.projectId, undefined);
        await deleteOAuthSessions(db, user.id, request.params.oauthMetaKeyId);
        return {};
      },
    );

    app.post(
      '/projects/:projectId/sdk/credentials',
      {
        schema: {
          tags: ['Connect'],
          summary:
            'Install an API-key integration: verify the fields with the provider, then store them sealed',
          params: projectParams,
          body: z.looseObject({
            integrationId: z.uuid(),
            payload: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
            installOptions: installOptionsSchema.optional(),
          }),
          response: {
            201: credentialSchema,
            400: errorBodySchema,
            401: errorBodySchema,
            404: errorBodySchema,
            409: errorBodySchema,
          },
        },
      },
      async (request, reply) => {
        const user = await authenticate(request, request.params.projectId, undefined);
        const { row, definition } = await activeIntegration(user, request.body.integrationId);
        if (definition.auth.type !== 'apiKey') {
          throw new AppError(
            'VALIDATION_FAILED',
            400,
            `${definition.name} connects with OAuth: use connect() or installIntegration().`,
          );
        }
        const options = request.body.installOptions ?? {};
        await assertInstallable(db, {
          connectedUserId: user.id,
          integrationId: row.id,
          integrationType: row.type,
          options,
        });
        const fields: Record<string, string> = {};
        for (const field of definition.auth.fields) {
          const value = request.body.payload[field.id];
          if (value === undefined || value === '') {
            if (field.required) {
              throw new AppError(
                'INSTALL_INPUT_INVALID',
                400,
                `"${field.title}" (${field.id}) is required to connect ${definition.name}.`,
              );
            }
            continue;
          }
          fields[field.id] = String(value);
        }
        const origin = deps.originOf(request);
        const account = await verifyApiKey({
          definition,
          fields,
          templateValues: { ...fields, switchboardOrigin: origin },
          fetch: deps.fetch,
        });
        const inputs = Object.fromEntries(
          definition.auth.fields
            .filter((f) => !f.secret && fields[f.id] !== undefined)
            .map((f) => [f.id, fields[f.id] as string]),
        );
        const { credentialId, queued } = await saveInstalledCredential(
          { db, keyring },
          {
            projectId: user.projectId,
            connectedUserId: user.id,
            integrationId: row.id,
            options,
            secrets: { kind: 'apiKey', fields },
            account,
            inputs,
            validUntil: null,
          },
        );
        deps.onCredentialsChanged?.(user.id);
        queuedIntegrationEnabled(queued);
        const credential = await findUserCredential(db, user.id, credentialId);
        return reply.status(201).send(presentCredential(credential!));
      },
    );

    app.post(
      '/projects/:projectId/sdk/credentials/:credentialId/complete-setup',
      {
        schema: {
          tags: ['Connect'],
          summary: 'Finish an OAuth install: store the post-OAuth inputs; a PENDING credential becomes VALID',
          description:
            "Wire protocol 7.3 (the headless installFlow's postOptions stage, and the Connect Portal's " +
            '"Finish setting up" form). Validates each of the entry\'s post-OAuth inputs (required, pattern) and ' +
            "merges them into the credential's non-secret inputs; nothing changes when one is invalid.",
          params: projectParams.extend({ credentialId: z.uuid() }),
          body: z.looseObject({
            integrationId: z.uuid().optional(),
            payload: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
            installOptions: installOptionsSchema.optional(),
          }),
          response: {
            200: credentialSchema,
            400: errorBodySchema,
            401: errorBodySchema,
            404: errorBodySchema,
          },
        },
      },
      async (request) => {
        const user = await authenticate(request, request.params.projectId, undefined);
        const { credentialId } = request.params;
        const existing = await findUserCredential(db, user.id, credentialId);
        if (
          !existing ||
          (request.body.integrationId !== undefined && request.body.integrationId !== existing.integrationId)
        ) {
          throw new AppError('CREDENTIAL_NOT_FOUND', 404, `credential ${credentialId} is not one of yours.`);
        }
        const { definition } = await activeIntegration(user, existing.integrationId);
        const values = postSetupValues(definition, request.body.payload);
        // The credential turning VALID and its Integration Enabled executions commit together.
        const queued = await db.transaction().execute(async (trx) => {
          const setup = await completeCredentialSetup(trx, user.id, credentialId, values);
          if (setup?.previousStatus !== 'PENDING' || setup.status !== 'VALID') return 0;
          return runIntegrationEnabled(trx, {
            projectId: user.projectId,
            connectedUserId: user.id,
            integrationId: existing.integrationId,
            credentialId,
          });
        });
        deps.onCredentialsChanged?.(user.id);
        queuedIntegrationEnabled(queued);
        const credential = await findUserCredential(db, user.id, credentialId);
        if (!credential) {
          throw new AppError('CREDENTIAL_NOT_FOUND', 404, `credential ${credentialId} is not one of yours.`);
        }
        return presentCredential(credential);
      },
    );
  };
}
