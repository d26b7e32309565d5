import { AppError, type ErrorBody, type ErrorCode } from '@switchboard/contracts';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';

/**
 * The one exit for errors: every failure becomes `{ message, code, status[, details] }`.
 * Expected failures (AppError, validation, malformed requests) say what was wrong; anything else is
 * logged with its stack and answered with a 500 that carries only the request id.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let body: ErrorBody;
    if (error instanceof AppError) {
      body = error.toBody();
    } else if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'request';
      body = {
        code: 'VALIDATION_FAILED',
        status: 400,
        message: `The ${where} is invalid: ${error.validation
          .map((v) => `${describePath(where, v.instancePath)} ${v.message}`)
          .join('; ')}.`,
        details: error.validation.map((v) => ({
          path: describePath(where, v.instancePath),
          message: v.message ?? '',
        })),
      };
    } else if (!isResponseSerializationError(error) && error.statusCode && error.statusCode < 500) {
      body = { code: codeForStatus(error.statusCode), status: error.statusCode, message: error.message };
    } else {
      request.log.error({ err: error }, 'unhandled error');
      body = {
        code: 'INTERNAL',
        status: 500,
        message: `Unexpected server error; it was logged with request id ${request.id}.`,
      };
    }
    if (body.status === 401 || body.status === 403) request.log.info({ code: body.code }, 'request refused');
    return reply.status(body.status).type('application/json').send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      code: 'ROUTE_NOT_FOUND',
      status: 404,
      message: `No route ${request.method} ${request.url.split('?')[0]}; see /docs for the API.`,
    };
    return reply.status(404).send(body);
  });
}

function describePath(where: string, instancePath: string | undefined): string {
  const path = (instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  return path ? `${where}.${path}` : where;
}

function codeForStatus(status: number): ErrorCode {
  if (status === 404) return 'ROUTE_NOT_FOUND';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  return 'VALIDATION_FAILED';
}
