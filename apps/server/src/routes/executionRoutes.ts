import {
  AppError,
  errorBodySchema,
  executionDetailSchema,
  executionPageSchema,
  executionSummarySchema,
  listExecutionsQuerySchema,
  replayExecutionBodySchema,
} from '@switchboard/contracts';
import {
  type Database,
  externalIdsOf,
  findConnectedUserByExternalId,
  findExecution,
  findProject,
  findWorkflowVersion,
  listExecutions,
} from '@switchboard/db';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { type AdminAuthenticator, requireProject } from '../auth/adminAuthenticator';
import {
  decodeExecutionCursor,
  encodeExecutionCursor,
  presentExecutionDetail,
  presentExecutionSummary,
} from '../workflows/presentExecution';
import { replayExecution } from '../workflows/replayExecution';

export interface ExecutionRouteDeps {
  db: Kysely<Database>;
  admin: AdminAuthenticator;
  /** Told when a replay was queued (the in-process worker claims it at once). */
  onQueued(): void;
}

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };
const security = [{ adminKey: [] }, { projectApiKey: [] }];
const projectParams = z.object({ projectId: z.uuid() });

/**
 * Task history: a project's executions (filtered, newest first, keyset pages), one execution's steps,
 * and replays.
 */
export function executionRoutes(deps: ExecutionRouteDeps): FastifyPluginAsyncZod {
  const { db } = deps;
  async function requireExistingProject(projectId: string) {
    if (!(await findProject(db, projectId)))
      throw new AppError('PROJECT_NOT_FOUND', 404, `project ${projectId} does not exist.`);
  }
  return async (app) => {
    app.addHook('preValidation', async (request) => {
      const principal = await deps.admin.authenticate(request.headers.authorization);
      requireProject(principal, (request.params as { projectId?: string }).projectId ?? '');
    });

    app.get(
      '/admin/projects/:projectId/executions',
      {
        schema: {
          tags: ['Admin'],
          summary: "Task history: the project's executions, newest first",
          description:
            'Filters: userId (the User Token sub), workflowId, integration (type), status, from/to (ISO 8601, on the creation time). ' +
            'Pages of `limit`; pass `nextCursor` as `cursor` for the next page.',
          security,
          params: projectParams,
          querystring: listExecutionsQuerySchema,
          response: { 200: executionPageSchema, ...errors },
        },
      },
      async (request) => {
        const { projectId } = request.params;
        const q = request.query;
        await requireExistingProject(projectId);
        const after = q.cursor ? decodeExecutionCursor(q.cursor) : undefined;
        if (q.cursor && !after) {
          throw new AppError(
            'VALIDATION_FAILED',
            400,
            'cursor is not one this API gave out; pass the nextCursor of the previous page unchanged.',
          );
        }
        let connectedUserId: string | undefined;
        if (q.userId) {
          const user = await findConnectedUserByExternalId(db, projectId, q.userId);
          if (!user) return { executions: [], nextCursor: null };
          connectedUserId = user.id;
        }
        const rows = await listExecutions(db, projectId, {
          limit: q.limit + 1,
          ...(connectedUserId ? { connectedUserId } : {}),
          ...(q.workflowId ? { workflowId: q.workflowId } : {}),
          ...(q.integration ? { integrationType: q.integration } : {}),
          ...(q.status ? { status: q.status } : {}),
          ...(q.from ? { from: new Date(q.from) } : {}),
          ...(q.to ? { to: new Date(q.to) } : {}),
          ...(after ? { after } : {}),
        });
        const page = rows.slice(0, q.limit);
        const users = await externalIdsOf(
          db,
          page.map((r) => r.connectedUserId),
        );
        const last = page.at(-1);
        return {
          executions: page.map((r) => presentExecutionSummary(r, users.get(r.connectedUserId) ?? '')),
          nextCursor: rows.length > q.limit && last ? encodeExecutionCursor(last) : null,
        };
      },
    );

    app.get(
      '/admin/projects/:projectId/executions/:executionId',
      {
        schema: {
          tags: ['Admin'],
          summary: "One execution with every step's input, output, error, logs, attempts and timing",
          security,
          params: projectParams.extend({ executionId: z.uuid() }),
          response: { 200: executionDetailSchema, ...errors },
        },
      },
      async (request) => {
        const { projectId, executionId } = request.params;
        const execution = await findExecution(db, projectId, executionId);
        if (!execution) {
          throw new AppError(
            'EXECUTION_NOT_FOUND',
            404,
            `execution ${executionId} does not exist in project ${projectId}; list them with GET /admin/projects/${projectId}/executions.`,
          );
        }
        const [users, version] = await Promise.all([
          externalIdsOf(db, [execution.connectedUserId]),
          findWorkflowVersion(db, execution.workflowVersionId),
        ]);
        return presentExecutionDetail(
          execution,
          users.get(execution.connectedUserId) ?? '',
          version?.version,
        );
      },
    );

    app.post(
      '/admin/projects/:projectId/executions/:executionId/replay',
      {
        schema: {
          tags: ['Admin'],
          summary:
            'Replay a finished execution: a new execution with the same user, credential and trigger data',
          description:
            'The replay gets its own id and records `replayOf`; it runs the same trigger data, User Settings and user ' +
            'snapshot as the original, with the workflow\'s latest version (`{"version":"latest"}`, the default) or the ' +
            'version the original ran (`{"version":"original"}`). 404: unknown execution. 409: it cannot run (still ' +
            "unfinished, the user's credential is gone or not VALID, the integration is not active, or the latest " +
            'version has another trigger type).',
          security,
          params: projectParams.extend({ executionId: z.uuid() }),
          // No body (Fastify gives null) is the same as {}.
          body: replayExecutionBodySchema.nullish(),
          response: { 201: executionSummarySchema, ...errors, 409: errorBodySchema },
        },
      },
      async (request, reply) => {
        const { projectId, executionId } = request.params;
        const replay = await replayExecution(db, projectId, executionId, {
          version: request.body?.version ?? 'latest',
        });
        deps.onQueued();
        const users = await externalIdsOf(db, [replay.connectedUserId]);
        return reply
          .status(201)
          .send(presentExecutionSummary(replay, users.get(replay.connectedUserId) ?? ''));
      },
    );
  };
}
