import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { WorkflowDefinition } from '@switchboard/contracts';
import {
  claimExecutions,
  type Database,
  type Execution,
  type ExecutionRowStatus,
  findWorkflowVersion,
  insertMonitoringEvent,
  type JsonObject,
  releaseExecutionLease,
  renewExecutionLease,
  saveExecutionState,
} from '@switchboard/db';
import {
  driveExecution,
  type ExecutionState,
  executionStateSchema,
  type StepDeps,
  validateWorkflow,
} from '@switchboard/engine';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';

export interface WorkflowWorkerDeps {
  db: Kysely<Database>;
  logger: FastifyBaseLogger;
  /** The step dependencies for one execution (its integrationRequest is bound to its user). */
  stepDepsFor(execution: Execution, state: ExecutionState): Promise<StepDeps>;
  /** Told after every saved state (Request triggers waiting in this process). */
  onSaved?(executionId: string): void;
  /** Unique per worker; default host, pid and a random suffix. */
  owner?: string;
  /** How long a claim holds without renewal. Default 30 s; renewed every third of it while running. */
  leaseMs?: number;
  /** How often to look for work queued by other processes or whose wake-up time came. Default 1 s. */
  pollMs?: number;
  /** Executions driven at once. Default 32. */
  concurrency?: number;
}

export interface WorkflowWorker {
  readonly owner: string;
  start(): void;
  /** Look for work now (this process just queued an execution). */
  wake(): void;
  /** Stops claiming; running executions stop at their next state change and release their lease. */
  stop(): Promise<void>;
}

class LeaseLost extends Error {}
class Stopping extends Error {}

const rowStatusOf = (state: ExecutionState): ExecutionRowStatus => state.status;

/** Every step record that changed from `before` to `after` is running or succeeded (nothing failed or waits). */
function onlySucceeded(before: ExecutionState, after: ExecutionState): boolean {
  if (after.status !== 'running') return false;
  return Object.entries(after.steps).every(
    ([key, record]) =>
      record.status === before.steps[key]?.status ||
      record.status === 'succeeded' ||
      record.status === 'running',
  );
}

/**
 * The durable executor's driver: claims runnable executions with a lease, drives each with the engine,
 * saving the state after every round of step results (only while it still holds the lease), and
 * releases it when the execution finishes or waits (a delay or a retry back-off: `wake_at`). Any number
 * of workers in any number of processes share one database; a dead worker's lease lapses and another
 * resumes from the last saved state, so completed steps never run again.
 */
export function createWorkflowWorker(deps: WorkflowWorkerDeps): WorkflowWorker {
  const { db, logger } = deps;
  const owner = deps.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseMs = deps.leaseMs ?? 30_000;
  const pollMs = deps.pollMs ?? 1_000;
  const concurrency = deps.concurrency ?? 32;
  const active = new Map<string, Promise<void>>();
  const definitions = new Map<string, WorkflowDefinition>();
  let stopped = true;
  let pumping = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  async function definitionOf(versionId: string): Promise<WorkflowDefinition> {
    let definition = definitions.get(versionId);
    if (!definition) {
      const version = await findWorkflowVersion(db, versionId);
      if (!version) throw new Error(`workflow version ${versionId} no longer exists`);
      // Versions are immutable, so the parsed definition is cached for good.
      definition = validateWorkflow(version.definition);
      definitions.set(versionId, definition);
    }
    return definition;
  }

  /**
   * Saves `state`; with `persisted` (the state last saved), only the step records that changed since
   * (the engine copies a record only when it changes, so identity tells) — a fan-out's save writes
   * the items that moved, not all of them.
   */
  async function save(
    execution: Execution,
    state: ExecutionState,
    release: boolean,
    persisted?: ExecutionState,
  ): Promise<boolean> {
    const finished = state.status === 'succeeded' || state.status === 'failed';
    let changedSteps: Record<string, JsonObject> | undefined;
    if (persisted) {
      changedSteps = {};
      for (const [key, record] of Object.entries(state.steps))
        if (persisted.steps[key] !== record) changedSteps[key] = record as unknown as JsonObject;
    }
    const saved = await saveExecutionState(db, {
      id: execution.id,
      owner,
      leaseMs,
      state: state as unknown as JsonObject,
      ...(changedSteps ? { changedSteps } : {}),
      status: rowStatusOf(state),
      wakeAt: state.status === 'waiting' && state.wakeAt ? new Date(state.wakeAt) : null,
      finishedAt: finished ? new Date(state.finishedAt ?? Date.now()) : null,
      release,
    });
    if (saved) deps.onSaved?.(execution.id);
    // A finished failure becomes a monitoring event (and so a webhook delivery); ids and the error
    // message only, never step inputs or outputs.
    if (saved && release && state.status === 'failed')
      await insertMonitoringEvent(db, {
        projectId: execution.projectId,
        kind: 'workflow.failure',
        connectedUserId: execution.connectedUserId,
        credentialId: execution.credentialId,
        payload: {
          executionId: execution.id,
          workflowId: execution.workflowId,
          stepId: state.error?.stepId ?? null,
          message: state.error?.message ?? 'execution failed',
        },
      }).catch((error: unknown) =>
        logger.error({ err: error, executionId: execution.id }, 'recording the workflow failure failed'),
      );
    return saved;
  }

  async function run(execution: Execution): Promise<void> {
    let lost = false;
    const renew = setInterval(() => {
      renewExecutionLease(db, execution.id, owner, leaseMs).then(
        (held) => {
          if (!held) lost = true;
        },
        (error: unknown) => logger.warn({ err: error, executionId: execution.id }, 'lease renewal failed'),
      );
    }, leaseMs / 3);
    let state: ExecutionState | undefined;
    /** What the database holds now (the baseline of the next save's changed records). */
    let persisted: ExecutionState | undefined;
    try {
      state = executionStateSchema.parse(execution.state);
      // The first save writes every record: an execution saved before step records had their own
      // table (migration 0009) still holds them in its state, which that save replaces.
      persisted = { ...state, steps: {} };
      const definition = await definitionOf(execution.workflowVersionId);
      const final = await driveExecution({
        definition,
        state,
        deps: await deps.stepDepsFor(execution, state),
        onState: async (next) => {
          // Stopping: a step that succeeded is saved (and the lease let go), so a graceful stop repeats
          // no side effect. Any other outcome is not saved (a step cut short by the shutdown — e.g. a
          // local entry calling this closing server — must not be recorded as failed); the next worker
          // runs that step again with the same idempotency key.
          if (stopped) {
            if (state && onlySucceeded(state, next) && (await save(execution, next, true, persisted))) {
              state = next;
              persisted = next;
            }
            throw new Stopping();
          }
          state = next;
          if (lost || !(await save(execution, next, false, persisted))) throw new LeaseLost();
          persisted = next;
        },
      });
      if (!(await save(execution, final, true, persisted))) throw new LeaseLost();
    } catch (error) {
      if (error instanceof LeaseLost) {
        logger.warn({ executionId: execution.id }, 'execution lease lost; another worker has it');
      } else if (error instanceof Stopping) {
        await releaseExecutionLease(db, execution.id, owner);
      } else {
        // Not a step failure (those are in the state): the definition or state cannot be driven.
        logger.error({ err: error, executionId: execution.id }, 'execution could not be driven');
        const now = new Date().toISOString();
        const base = state ?? (execution.state as unknown as ExecutionState);
        const failed: ExecutionState = {
          ...base,
          status: 'failed',
          error: { stepId: '(worker)', message: error instanceof Error ? error.message : String(error) },
          finishedAt: now,
        };
        await save(execution, failed, true).catch(() => {});
      }
    } finally {
      clearInterval(renew);
    }
  }

  async function tick(): Promise<void> {
    const free = concurrency - active.size;
    if (free <= 0 || stopped) return;
    const claimed = await claimExecutions(db, owner, leaseMs, free);
    for (const execution of claimed) {
      const running = run(execution)
        .catch((error: unknown) => logger.error({ err: error, executionId: execution.id }, 'worker error'))
        .finally(() => {
          active.delete(execution.id);
          if (!stopped) pump();
        });
      active.set(execution.id, running);
    }
    if (claimed.length === free) again = true;
  }

  function pump(): void {
    if (stopped) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    (async () => {
      do {
        again = false;
        await tick();
      } while (again && !stopped);
    })()
      .catch((error: unknown) => logger.error({ err: error }, 'claiming executions failed'))
      .finally(() => {
        pumping = false;
      });
  }

  return {
    owner,
    start() {
      if (!stopped) return;
      stopped = false;
      timer = setInterval(pump, pollMs);
      timer.unref();
      pump();
    },
    wake: pump,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      while (pumping) await new Promise((resolve) => setTimeout(resolve, 5));
      await Promise.allSettled([...active.values()]);
    },
  };
}
