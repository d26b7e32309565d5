import { type Kysely, sql } from 'kysely';
import type { Database } from './schema';

/*
 * Retention of task history. Only finished executions (succeeded or failed) are deleted, by their
 * finish time; queued, running and waiting ones are never touched, however old. Deletes go in bounded
 * batches (one `DELETE … WHERE id IN (SELECT … LIMIT n)` each) so no statement holds many row locks
 * or runs for long, and PGlite's single session is given back between batches.
 */

/** Deletes up to `limit` finished executions that finished before `before`; answers how many. */
export async function deleteFinishedExecutionsBefore(
  db: Kysely<Database>,
  before: Date,
  limit: number,
): Promise<number> {
  const result = await db
    .deleteFrom('executions')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('executions')
        .select('id')
        .where('status', 'in', ['succeeded', 'failed'])
        .where('finishedAt', '<', before)
        .orderBy('finishedAt')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Deletes up to `limit` App Events created before `before` that no execution refers to any more
 * (theirs were deleted, or the event started none); answers how many.
 */
export async function deleteUnreferencedAppEventsBefore(
  db: Kysely<Database>,
  before: Date,
  limit: number,
): Promise<number> {
  const result = await db
    .deleteFrom('appEvents')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('appEvents as event')
        .select('event.id')
        .where('event.createdAt', '<', before)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('executions')
                .select(sql<number>`1`.as('one'))
                .whereRef('executions.appEventId', '=', 'event.id'),
            ),
          ),
        )
        .orderBy('event.createdAt')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
