import type { Kysely } from 'kysely';
import { notifyExecutionsQueued } from './executionNotices';
import { executionValues, type NewExecution } from './executions';
import type { Database } from './schema';

/**
 * Queues a replay of execution `replayOf`: a new execution (its own id, state and version) that
 * records which one it re-runs and keeps the original's App Event.
 */
export async function insertReplayExecution(
  db: Kysely<Database>,
  execution: NewExecution,
  original: { id: string; appEventId: string | null },
): Promise<void> {
  await db
    .insertInto('executions')
    .values({ ...executionValues(execution, original.appEventId), replayOf: original.id })
    .execute();
  await notifyExecutionsQueued(db);
}
