import {
  type Database,
  deleteFinishedExecutionsBefore,
  deleteUnreferencedAppEventsBefore,
} from '@switchboard/db';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
const DEFAULT_BATCH_SIZE = 500;

export interface RetentionSweepResult {
  executions: number;
  appEvents: number;
}

/**
 * Task history retention: deletes executions that finished (succeeded or failed) more than
 * `retentionDays` before `now`, then App Events older than that which no execution refers to any
 * more. Queued, running and waiting executions are never deleted. Works in batches of `batchSize`
 * until nothing is left; `retentionDays` 0 keeps everything.
 */
export async function sweepExecutionRetention(deps: {
  db: Kysely<Database>;
  retentionDays: number;
  now?: Date;
  batchSize?: number;
}): Promise<RetentionSweepResult> {
  const result = { executions: 0, appEvents: 0 };
  if (deps.retentionDays <= 0) return result;
  const before = new Date((deps.now ?? new Date()).getTime() - deps.retentionDays * DAY_MS);
  const batch = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  for (;;) {
    const deleted = await deleteFinishedExecutionsBefore(deps.db, before, batch);
    result.executions += deleted;
    if (deleted < batch) break;
  }
  for (;;) {
    const deleted = await deleteUnreferencedAppEventsBefore(deps.db, before, batch);
    result.appEvents += deleted;
    if (deleted < batch) break;
  }
  return result;
}

/**
 * Runs the sweep now and then every hour (SWITCHBOARD_EXECUTION_RETENTION_DAYS; 0 starts nothing).
 * A failed sweep is logged and tried again at the next hour. `stop()` waits for a sweep under way.
 */
export function startExecutionRetention(deps: {
  db: Kysely<Database>;
  logger: FastifyBaseLogger;
  retentionDays: number;
  intervalMs?: number;
}): { stop(): Promise<void> } {
  if (deps.retentionDays <= 0) return { stop: async () => {} };
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const sweep = () => {
    if (stopped) return;
    running = sweepExecutionRetention(deps).then(
      (result) => {
        if (result.executions > 0 || result.appEvents > 0)
          deps.logger.info({ ...result, retentionDays: deps.retentionDays }, 'task history retention');
      },
      (error: unknown) => deps.logger.error({ err: error }, 'task history retention sweep failed'),
    );
  };
  sweep();
  const timer = setInterval(sweep, deps.intervalMs ?? HOUR_MS);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
