import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { AppError, type ErrorBody } from '@switchboard/contracts';
import type { FastifyBaseLogger } from 'fastify';
import type { ConnectedUserResolver } from '../auth/connectedUserResolver';
import { type ProxyAnswer, type ProxyRequest, uuidPattern } from './createProxyCall';

const proxyTarget = /^\/projects\/([^/?]+)\/sdk\/proxy\/([^/?]+)\//;

/**
 * The proxy's hot path without the framework: a bodiless GET or DELETE to
 * `/projects/:projectId/sdk/proxy/:type/…` is answered straight from Node's request handler, with the
 * same core (createProxyCall), the same authentication, the same CORS headers (@fastify/cors with
 * `origin: true`: the request's Origin reflected, `Vary: Origin`) and the same error bodies as the
 * Fastify route. Everything else — bodies (limits, Content-Type: auto), preflights, HEAD, malformed
 * targets — returns false and goes to Fastify. Framework routing, hooks and reply handling were a
 * fifth of the proxy's CPU per call (bench/proxy.mjs with BENCH_CPU_PROFILE_DIR).
 */
export function createProxyFastPath(deps: {
  call(request: ProxyRequest): Promise<ProxyAnswer>;
  resolveConnectedUser: ConnectedUserResolver;
  originOf(request: IncomingMessage): string;
  logger: FastifyBaseLogger;
}): (request: IncomingMessage, response: ServerResponse) => boolean {
  return (request, response) => {
    const { method } = request;
    if (method !== 'GET' && method !== 'DELETE') return false;
    const { headers } = request;
    if (headers['transfer-encoding'] !== undefined) return false;
    if (headers['content-length'] !== undefined && headers['content-length'] !== '0') return false;
    const url = request.url ?? '';
    const match = proxyTarget.exec(url);
    if (!match) return false;
    const projectId = match[1] as string;
    let type: string;
    try {
      type = decodeURIComponent(match[2] as string);
    } catch {
      return false; // Fastify answers the malformed target
    }
    if (!uuidPattern.test(projectId)) return false;
    void handle(request, response, { projectId, type, method, url });
    return true;
  };

  async function handle(
    request: IncomingMessage,
    response: ServerResponse,
    target: { projectId: string; type: string; method: string; url: string },
  ): Promise<void> {
    const cors = corsHeaders(request);
    try {
      const user = await deps.resolveConnectedUser(target.projectId, request.headers.authorization);
      const answer = await deps.call({
        user,
        type: target.type,
        method: target.method,
        rawUrl: target.url,
        headers: request.headers,
        body: undefined,
        origin: deps.originOf(request),
      });
      const vary = answer.headers.vary;
      const headers = { ...answer.headers, ...cors };
      if (vary !== undefined) headers.vary = `${Array.isArray(vary) ? vary.join(', ') : vary}, Origin`;
      const { body } = answer;
      if (body instanceof Readable) {
        response.writeHead(answer.status, headers);
        body.once('error', () => response.destroy());
        response.once('close', () => {
          if (!response.writableFinished) body.destroy();
        });
        body.pipe(response);
        return;
      }
      if (body !== undefined) {
        headers['content-length'] = String(Buffer.byteLength(body));
        if (headers['content-type'] === undefined)
          headers['content-type'] =
            typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream';
      }
      response.writeHead(answer.status, headers);
      response.end(body);
    } catch (error) {
      sendError(response, cors, error);
    }
  }

  function sendError(response: ServerResponse, cors: Record<string, string>, error: unknown): void {
    let body: ErrorBody;
    if (error instanceof AppError) {
      body = error.toBody();
    } else {
      const requestId = `fast-${randomUUID()}`;
      deps.logger.error({ err: error, reqId: requestId }, 'unhandled error');
      body = {
        code: 'INTERNAL',
        status: 500,
        message: `Unexpected server error; it was logged with request id ${requestId}.`,
      };
    }
    if (response.headersSent) {
      response.destroy();
      return;
    }
    if (body.status === 401 || body.status === 403) deps.logger.info({ code: body.code }, 'request refused');
    const text = JSON.stringify(body);
    response.writeHead(body.status, {
      ...cors,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
    });
    response.end(text);
  }
}

function corsHeaders(request: IncomingMessage): Record<string, string> {
  const origin = request.headers.origin;
  return origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : { vary: 'Origin' };
}
