import { AppError } from '@switchboard/contracts';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ConnectedUserRef, ConnectedUserResolver } from '../auth/connectedUserResolver';
import { type ProxyAnswer, type ProxyRequest, uuidPattern } from '../proxy/createProxyCall';
import { AUTO_CONTENT_TYPE } from '../proxy/proxyHeaders';

export interface ProxyRouteDeps {
  call(request: ProxyRequest): Promise<ProxyAnswer>;
  resolveConnectedUser: ConnectedUserResolver;
  originOf(request: FastifyRequest): string;
}

export const PROXY_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

/**
 * `ANY /projects/:projectId/sdk/proxy/:type/*` on Fastify: every proxied call with a body, preflights,
 * and whatever the fast path (proxy/proxyFastPath.ts) leaves to it. The work is createProxyCall's.
 */
export function proxyRoutes(deps: ProxyRouteDeps): FastifyPluginAsync {
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
      if (!params.projectId || !uuidPattern.test(params.projectId)) {
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
        const answer = await deps.call({
          user: users.get(request)!,
          type: (request.params as { type: string }).type,
          method: request.method,
          rawUrl: request.raw.url ?? '',
          headers: request.headers,
          body: request.body as Buffer | undefined,
          origin: deps.originOf(request),
        });
        reply.code(answer.status).headers(answer.headers);
        return reply.send(answer.body);
      },
    });
  };
}
