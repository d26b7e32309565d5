import type { IntegrationDefinition } from '@switchboard/catalog';
import { AppError } from '@switchboard/contracts';
import { type Database, findCredentialSecrets, listUserCredentials } from '@switchboard/db';
import {
  type CredentialSecrets as InjectionValues,
  injectCredential,
  type Keyring,
} from '@switchboard/vault';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { ConnectedUserRef, ConnectedUserResolver } from '../auth/connectedUserResolver';
import { openCredentialSecrets } from '../connect/credentialSecrets';
import { AUTO_CONTENT_TYPE, forwardedHeaders, withInjected } from '../proxy/proxyHeaders';
import { resolveProxyUrl } from '../proxy/proxyTarget';
import type { ActiveIntegrationsCache } from '../sdk/activeIntegrationsCache';
import { headerValue, selectCredential } from '../sdk/selectCredential';

export interface ProxyRouteDeps {
  db: Kysely<Database>;
  activeIntegrations: ActiveIntegrationsCache;
  keyring: Keyring;
  definitionOf(type: string): IntegrationDefinition | undefined;
  fetch: typeof fetch;
  resolveConnectedUser: ConnectedUserResolver;
  originOf(request: FastifyRequest): string;
  /** Upstream timeout (headers and body); default 30 s. */
  timeoutMs?: number;
}

export const PROXY_BODY_LIMIT_BYTES = 10 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;
const projectId = z.uuid();
const routePrefix = /^\/projects\/[^/?]+\/sdk\/proxy\/[^/?]+/;

/**
 * The Connect proxy (wire protocol 5.5): `ANY /projects/:projectId/sdk/proxy/:type/*` calls the
 * third-party API as the Connected User, with the credential injected the way the catalog entry says.
 * The path and query are forwarded byte for byte and can never leave the entry's allowed hosts.
 * Upstream statuses pass through (the official client treats a proxy 401 as "refresh", not logout).
 */
export function proxyRoutes(deps: ProxyRouteDeps): FastifyPluginAsync {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const users = new WeakMap<FastifyRequest, ConnectedUserRef>();

  return async (app) => {
    // The body is passed through untouched: every content type arrives as the raw bytes.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: PROXY_BODY_LIMIT_BYTES },
      (_req, body, done) => done(null, body),
    );

    // Authenticate before the body is read, so unauthenticated callers cannot make us buffer it.
    app.addHook('onRequest', async (request) => {
      const params = request.params as { projectId?: string };
      if (!params.projectId || !projectId.safeParse(params.projectId).success) {
        throw new AppError('VALIDATION_FAILED', 400, 'The projectId in the path must be a UUID.');
      }
      if (request.headers['content-type']?.trim().toLowerCase() === 'auto')
        request.headers['content-type'] = AUTO_CONTENT_TYPE;
      users.set(request, await deps.resolveConnectedUser(params.projectId, request.headers.authorization));
    });

    app.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: '/projects/:projectId/sdk/proxy/:type/*',
      bodyLimit: PROXY_BODY_LIMIT_BYTES,
      schema: { hide: true },
      handler: async (request, reply) => {
        const user = users.get(request)!;
        const { type } = request.params as { type: string };
        const integration = (await deps.activeIntegrations.get(user.projectId)).find(
          (row) => row.type === type,
        );
        const definition = integration ? deps.definitionOf(type) : undefined;
        if (!integration || !definition) {
          throw new AppError(
            'INTEGRATION_NOT_FOUND',
            404,
            `"${type}" is not an active integration of this project.`,
          );
        }
        const credentials = await listUserCredentials(deps.db, user.id, { integrationId: integration.id });
        const credential = selectCredential(
          credentials,
          headerValue(request.headers['x-paragon-credential']),
          type,
        );
        if (credential.status !== 'VALID') {
          throw new AppError(
            'INTEGRATION_NOT_INSTALLED',
            404,
            `The ${type} credential ${credential.id} is ${credential.status}; reconnect it first.`,
          );
        }

        // Where to send it: refusals happen here, before anything is opened or sent.
        const rawUrl = request.raw.url ?? '';
        const queryAt = rawUrl.indexOf('?');
        const rawPathWithPrefix = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
        const rawQuery = queryAt === -1 ? '' : rawUrl.slice(queryAt);
        const rawPath = rawPathWithPrefix.replace(routePrefix, '');
        const templateValues = { ...credential.inputs, switchboardOrigin: deps.originOf(request) };
        const url = resolveProxyUrl({
          definition,
          rawPath,
          rawQuery,
          proxyUrl: headerValue(request.headers['x-paragon-proxy-url']),
          templateValues,
          providerData: credential.providerData as Record<string, string | number | boolean>,
        });

        const stored = await findCredentialSecrets(deps.db, credential.id);
        if (!stored) {
          throw new AppError(
            'INTEGRATION_NOT_INSTALLED',
            404,
            `The ${type} credential ${credential.id} holds no secrets; reconnect it first.`,
          );
        }
        const secrets = openCredentialSecrets(deps.keyring, stored.sealed);
        const values: InjectionValues =
          secrets.kind === 'oauth2'
            ? { ...secrets.extraTokens, accessToken: secrets.accessToken }
            : secrets.fields;

        const method = request.method;
        const body = method === 'GET' || method === 'HEAD' ? undefined : (request.body as Buffer | undefined);
        const headers = withInjected(
          forwardedHeaders(request.headers, body),
          injectCredential(definition, values),
        );
        await forward(reply, { url, method, headers, body, raw: isRaw(request) });
      },
    });
  };

  async function forward(
    reply: FastifyReply,
    call: {
      url: URL;
      method: string;
      headers: Record<string, string>;
      body: Buffer | undefined;
      raw: boolean;
    },
  ): Promise<void> {
    let response: Response;
    let bytes: Buffer;
    try {
      response = await deps.fetch(call.url, {
        method: call.method,
        headers: call.headers,
        ...(call.body && call.body.length > 0 ? { body: call.body as Uint8Array<ArrayBuffer> } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      bytes = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new AppError(
          'PROVIDER_UNREACHABLE',
          504,
          `The upstream API (${call.url.host}) did not answer within ${timeoutMs / 1000} s.`,
        );
      }
      throw new AppError(
        'PROVIDER_UNREACHABLE',
        502,
        `The upstream API (${call.url.host}) could not be reached: ${(error as { cause?: { code?: string } }).cause?.code ?? 'network error'}.`,
      );
    }
    reply.code(response.status);
    const contentType = response.headers.get('content-type');
    const noBody = response.status === 204 || response.status === 304 || call.method === 'HEAD';
    if (noBody) return reply.send();
    if (!call.raw && contentType && /[/+]json\b/i.test(contentType) && bytes.length > 0) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(bytes.toString('utf8'));
      } catch {
        return reply.type(contentType).send(bytes);
      }
      return reply.type('application/json; charset=utf-8').send(JSON.stringify({ output: parsed }));
    }
    if (contentType) reply.type(contentType);
    else reply.removeHeader('content-type');
    return reply.send(bytes);
  }
}

function isRaw(request: FastifyRequest): boolean {
  const value = headerValue(request.headers['x-paragon-use-raw-response'])?.toLowerCase();
  return value === '1' || value === 'true';
}
