import { randomUUID } from 'node:crypto';
import {
  AppError,
  errorBodySchema,
  type RequestTriggerPending,
  triggerAppEventBodySchema,
  triggerAppEventResponseSchema,
} from '@switchboard/contracts';
import {
  createAppEventRecorder,
  type Database,
  type Execution,
  findExecutionRow,
  findLatestWorkflowVersion,
  findWorkflow,
  insertExecution,
  type JsonObject,
  listAppEventTargets,
  listTriggerCredentials,
  type NewExecution,
  type TriggerCredential,
} from '@switchboard/db';
import type { ExecutionState, JsonValue } from '@switchboard/engine';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { ConnectedUserResolver } from '../auth/connectedUserResolver';
import { headerValue } from '../sdk/selectCredential';
import type { ExecutionWatch } from '../workflows/executionWatch';
import { buildExecution, prepareExecution } from '../workflows/prepareExecution';

export interface WorkflowTriggerRouteDeps {
  db: Kysely<Database>;
  resolveConnectedUser: ConnectedUserResolver;
  /** Told when this process queued executions (the in-process worker claims them at once). */
  onQueued(): void;
  watch: ExecutionWatch;
  /** How long a Request trigger waits for the Response step before answering the execution id. */
  requestWaitMs: number;
}

const errors = { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema };
const security = [{ userToken: [] }];
/** Paragon's status for "the workflow did not answer within the wait; poll the execution". */
const STILL_RUNNING_STATUS = 542;
/** Headers of the caller never passed to the workflow as `{{trigger.headers}}`. */
const privateHeaders = new Set(['authorization', 'cookie', 'proxy-authorization']);
/** Response-step headers that the server sets itself. */
const framingHeaders = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

/**
 * The two SDK triggers (User Token auth): App Events (`paragon.event`, wire protocol 5.9) and the
 * Request trigger (`paragon.workflow`, 5.10). Both start executions of the latest deployed version
 * only for users who have the workflow enabled on a VALID credential of its integration.
 */
export function workflowTriggerRoutes(deps: WorkflowTriggerRouteDeps): FastifyPluginAsyncZod {
  const { db } = deps;
  // Group commit: concurrent App Events share transactions (each answer still waits for its commit).
  const appEvents = createAppEventRecorder(db);
  return async (app) => {
    app.post(
      '/v2/projects/:projectId/sdk/events/trigger',
      {
        schema: {
          tags: ['SDK'],
          summary: 'Send an App Event: every enabled workflow with this App Event trigger gets an execution',
          description:
            'Answers 201 once the event and its executions are stored (they run in the background). ' +
            'An idempotency key (`X-Idempotency-Key` header or `idempotencyKey` in the body) makes a repeat a no-op: ' +
            "the answer lists the first event's executions with `created: false`. X-Paragon-Credential / " +
            'X-Paragon-Configuration-Id limit it to one credential.',
          security,
          params: z.object({ projectId: z.uuid() }),
          body: triggerAppEventBodySchema,
          response: { 201: triggerAppEventResponseSchema, ...errors },
        },
        preValidation: async (request) => {
          const { projectId } = request.params as { projectId: string };
          await deps.resolveConnectedUser(projectId, request.headers.authorization);
        },
      },
      async (request, reply) => {
        const user = await deps.resolveConnectedUser(request.params.projectId, request.headers.authorization);
        const { name, payload } = request.body;
        const idempotencyKey =
          headerValue(request.headers['x-idempotency-key']) ?? request.body.idempotencyKey ?? null;
        const selection = {
          credentialId: headerValue(request.headers['x-paragon-credential']),
          configurationId: headerValue(request.headers['x-paragon-configuration-id']),
        };
        // Two reads in all: the target workflows (with integration and user metadata), then the
        // user's credentials of each of their integrations.
        const targets = await listAppEventTargets(db, {
          projectId: user.projectId,
          connectedUserId: user.id,
          event: name,
        });
        const credentialsOf = new Map<string, Promise<TriggerCredential[]>>();
        const executions: NewExecution[] = [];
        for (const version of targets) {
          if (!version.integrationActive) {
            request.log.debug({ workflowId: version.workflowId }, 'app event skipped: integration inactive');
            continue;
          }
          let credentials = credentialsOf.get(version.integrationId);
          if (!credentials) {
            credentials = listTriggerCredentials(db, user.id, version.integrationId);
            credentialsOf.set(version.integrationId, credentials);
          }
          const prepared = buildExecution({
            user,
            version,
            integration: { type: version.integrationType },
            credentials: await credentials,
            userMeta: version.userMeta,
            triggerKind: 'appEvent',
            trigger: payload as JsonValue,
            selection,
          });
          if (prepared.ok) executions.push(prepared.execution);
          else
            request.log.debug(
              { workflowId: version.workflowId, reason: prepared.reason },
              'app event skipped',
            );
        }
        const recorded = await appEvents.record(
          {
            id: randomUUID(),
            projectId: user.projectId,
            connectedUserId: user.id,
            name,
            payload: payload as JsonObject,
            idempotencyKey,
          },
          executions,
        );
        if (recorded.created && executions.length > 0) deps.onQueued();
        return reply.status(201).send(recorded);
      },
    );

    app.post(
      '/projects/:projectId/sdk/triggers/:workflowId',
      {
        schema: {
          tags: ['SDK'],
          summary: 'Run a Request-triggered workflow and answer with its Response step',
          description:
            'The body, query and headers become `{{trigger.body}}`, `{{trigger.query}}`, `{{trigger.headers}}`. ' +
            'A workflow with a Response step is waited for (bounded; SWITCHBOARD_REQUEST_TRIGGER_WAIT_SECONDS, default 55) ' +
            'and its status, headers and body are the answer; past the wait the answer is 542 with the execution id to poll ' +
            '(task history). Without a Response step the answer is 202 with the execution id, at once.',
          security,
          params: z.object({ projectId: z.uuid(), workflowId: z.uuid() }),
          querystring: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
          body: z.unknown().optional(),
        },
        preValidation: async (request) => {
          const { projectId } = request.params as { projectId: string };
          await deps.resolveConnectedUser(projectId, request.headers.authorization);
        },
      },
      async (request, reply) => {
        const { projectId, workflowId } = request.params;
        const user = await deps.resolveConnectedUser(projectId, request.headers.authorization);
        const workflow = await findWorkflow(db, projectId, workflowId);
        const version = workflow ? await findLatestWorkflowVersion(db, workflowId) : undefined;
        if (!workflow || !version) {
          throw new AppError(
            'WORKFLOW_NOT_FOUND',
            404,
            `workflow ${workflowId} ${workflow ? 'has no deployed version; deploy one first' : 'does not exist in this project'}.`,
          );
        }
        const trigger = version.definition.trigger as { type?: string } | undefined;
        if (trigger?.type !== 'request') {
          throw new AppError(
            'VALIDATION_FAILED',
            400,
            `workflow ${workflowId} has a ${trigger?.type} trigger, not a request trigger; it cannot be called with paragon.workflow().`,
          );
        }
        const headers: Record<string, string> = {};
        for (const [key, value] of Object.entries(request.headers)) {
          if (value === undefined || privateHeaders.has(key)) continue;
          headers[key] = Array.isArray(value) ? value.join(', ') : value;
        }
        const prepared = await prepareExecution(db, {
          user,
          version,
          integrationId: workflow.integrationId,
          triggerKind: 'request',
          trigger: {
            body: (request.body ?? {}) as JsonValue,
            query: request.query as JsonValue,
            headers,
          },
          selection: {
            credentialId: headerValue(request.headers['x-paragon-credential']),
            configurationId: headerValue(request.headers['x-paragon-configuration-id']),
          },
        });
        if (!prepared.ok)
          throw new AppError(
            'WORKFLOW_NOT_ENABLED',
            404,
            `Cannot run workflow ${workflowId}: ${prepared.reason}. The user enables it with paragon.enableWorkflow(), after connecting its integration.`,
          );
        const submitted = new Date();
        await insertExecution(db, prepared.execution);
        deps.onQueued();
        const executionId = prepared.execution.id;
        const pending = (message: string): RequestTriggerPending => ({
          message,
          dateSubmitted: submitted.toISOString(),
          projectId,
          workflowId,
          executionId,
        });
        const steps = (version.definition.steps ?? []) as Array<{ type?: string }>;
        if (!steps.some((step) => step.type === 'response')) {
          return reply
            .status(202)
            .send(pending('The workflow has no Response step; it runs in the background.'));
        }
        const deadline = submitted.getTime() + deps.requestWaitMs;
        for (;;) {
          const execution = await findExecutionRow(db, projectId, executionId);
          if (execution) {
            const answered = answer(reply, execution, pending);
            if (answered) return answered;
          }
          const left = deadline - Date.now();
          if (left <= 0) {
            return reply
              .status(STILL_RUNNING_STATUS)
              .send(
                pending(
                  `The workflow did not answer within ${Math.round(deps.requestWaitMs / 1000)} s; it goes on running. Poll the execution in task history.`,
                ),
              );
          }
          await deps.watch.next(executionId, Math.min(left, 250));
        }
      },
    );
  };
}

/** The Response step's output once there is one; a failure or an end without one answers the id. */
function answer(
  reply: FastifyReply,
  execution: Execution,
  pending: (message: string) => RequestTriggerPending,
): FastifyReply | undefined {
  const state = execution.state as unknown as ExecutionState;
  if (state.response) {
    for (const [name, value] of Object.entries(state.response.headers)) {
      if (!framingHeaders.has(name.toLowerCase())) reply.header(name, value);
    }
    const body = state.response.body;
    if (typeof body === 'string') {
      if (!reply.hasHeader('content-type')) reply.header('content-type', 'text/plain; charset=utf-8');
      return reply.status(state.response.status).send(body);
    }
    reply.header('content-type', 'application/json; charset=utf-8');
    return reply.status(state.response.status).send(body === undefined ? undefined : JSON.stringify(body));
  }
  if (state.status === 'failed') {
    const at = state.error ? ` at step "${state.error.stepId}": ${state.error.message}` : '';
    return reply.status(500).send(pending(`The workflow failed before its Response step${at}.`));
  }
  if (state.status === 'succeeded') {
    return reply.status(202).send(pending('The workflow finished without reaching a Response step.'));
  }
  return undefined;
}
