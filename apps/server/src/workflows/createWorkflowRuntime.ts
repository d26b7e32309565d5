import {
  type Database,
  type ExecutionNoticeListener,
  listenForQueuedExecutions,
  releaseAllExecutionLeases,
} from '@switchboard/db';
import {
  createFunctionRunner,
  type ExecutionState,
  type RunFunction,
  type StepDeps,
} from '@switchboard/engine';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { ProxyAnswer, ProxyRequest } from '../proxy/createProxyCall';
import { createIntegrationRequest } from './createIntegrationRequest';
import { createWorkflowScheduler, type WorkflowScheduler } from './createWorkflowScheduler';
import { createWorkflowWorker, type WorkflowWorker } from './createWorkflowWorker';

export interface WorkflowRuntimeDeps {
  db: Kysely<Database>;
  logger: FastifyBaseLogger;
  /** The proxy core's call: integration steps go through it as the execution's user. */
  proxyCall(request: ProxyRequest): Promise<ProxyAnswer>;
  /** What plain HTTP `request` steps send with. */
  fetch: typeof globalThis.fetch;
  /** The function step runner (default: createFunctionRunner()). */
  runFunction?: RunFunction;
  /** This server's public origin (templates of local catalog entries); see setOrigin. */
  origin: string;
  /** Run executions in this process (false: another process does). */
  worker:
    | false
    | {
        pollMs?: number;
        leaseMs?: number;
        concurrency?: number;
        /** The first retry's back-off (engine default 10 s); tests shorten it. */
        retryBaseDelayMs?: number;
      };
  /** Fire Schedule triggers in this process. */
  scheduler: false | { intervalMs?: number };
  /** PostgreSQL: LISTEN here for executions queued by other processes (see executionNotices.ts). */
  listenUrl?: string;
  /**
   * The embedded database: every lease found at start was held by a process that died (the data
   * directory belongs to one process), so they are released before the worker starts.
   */
  releaseLeasesAtStart?: boolean;
  /** Told after every saved state (Request triggers waiting in this process). */
  onSaved?(executionId: string): void;
}

export interface WorkflowRuntime {
  /** undefined when this process runs no executions. */
  readonly worker: WorkflowWorker | undefined;
  /** This process just queued executions: look for work now. */
  wake(): void;
  /** The origin known once a server listens (integration steps of local catalog entries). */
  setOrigin(origin: string): void;
  start(): Promise<void>;
  /** Stops the scheduler, the listener and the worker (running executions release their leases). */
  stop(): Promise<void>;
}

/**
 * What runs workflows, without any HTTP front: the leased worker (integration steps through the proxy
 * core, request steps through `fetch`), the scheduler, and on PostgreSQL the LISTEN connection that
 * wakes the worker when another process queues work. The server embeds one (buildApp); `switchboard
 * worker` runs one alone (startWorker).
 */
export function createWorkflowRuntime(deps: WorkflowRuntimeDeps): WorkflowRuntime {
  const { db, logger } = deps;
  let origin = deps.origin;
  let worker: WorkflowWorker | undefined;
  let scheduler: WorkflowScheduler | undefined;
  let listener: ExecutionNoticeListener | undefined;

  if (deps.worker) {
    const runFunction = deps.runFunction ?? createFunctionRunner();
    const retryBaseDelayMs = deps.worker.retryBaseDelayMs;
    const stepDepsFor = async (
      execution: { connectedUserId: string; projectId: string; credentialId: string | null },
      state: ExecutionState,
    ): Promise<StepDeps> => {
      return {
        fetch: deps.fetch,
        runFunction,
        now: () => new Date(),
        ...(retryBaseDelayMs ? { retryBaseDelayMs } : {}),
        integrationRequest: createIntegrationRequest({
          proxyCall: deps.proxyCall,
          user: {
            id: execution.connectedUserId,
            projectId: execution.projectId,
            // The user's id in the app, snapshotted when the execution started (it never changes).
            externalId: state.context.user.id,
          },
          credentialId: execution.credentialId,
          origin,
        }),
      };
    };
    worker = createWorkflowWorker({
      db,
      logger,
      stepDepsFor,
      ...(deps.onSaved ? { onSaved: deps.onSaved } : {}),
      ...(deps.worker.pollMs ? { pollMs: deps.worker.pollMs } : {}),
      ...(deps.worker.leaseMs ? { leaseMs: deps.worker.leaseMs } : {}),
      ...(deps.worker.concurrency ? { concurrency: deps.worker.concurrency } : {}),
    });
  }
  const wake = () => worker?.wake();
  if (deps.scheduler) {
    scheduler = createWorkflowScheduler({
      db,
      logger,
      onQueued: wake,
      ...(deps.scheduler.intervalMs ? { intervalMs: deps.scheduler.intervalMs } : {}),
    });
  }

  return {
    worker,
    wake,
    setOrigin(next) {
      origin = next;
    },
    async start() {
      if (deps.releaseLeasesAtStart) {
        const released = await releaseAllExecutionLeases(db);
        if (released > 0)
          logger.info({ released }, 'released the leases of a previous process; their executions resume now');
      }
      if (worker && deps.listenUrl) {
        const started = worker;
        listener = listenForQueuedExecutions({
          url: deps.listenUrl,
          onNotice: () => started.wake(),
          onError: (error) =>
            logger.warn(
              { err: error },
              'LISTEN connection for executions failed; reconnecting (polling meanwhile)',
            ),
        });
      }
      worker?.start();
      scheduler?.start();
    },
    async stop() {
      // The worker stops claiming at once (synchronously), then its running executions wind down.
      const stopping = worker?.stop();
      await scheduler?.stop();
      await listener?.close();
      await stopping;
    },
  };
}
