import { type Kysely, sql } from 'kysely';
import type { Database, JsonObject, WorkflowScheduleTable } from './schema';

/*
 * Schedules: one row per enabled (Schedule workflow, credential configuration) with its next
 * scheduled instant. The scheduler keeps the rows in step with what users enabled (syncSchedules) and
 * fires due ones while holding their row locks (see the 0007 migration).
 */

export type WorkflowSchedule = Omit<WorkflowScheduleTable, 'lastRunAt' | 'createdAt'> & {
  lastRunAt: Date | null;
  createdAt: Date;
};

/** The configurations of VALID credentials of `integrationId` in which `workflowId` is enabled. */
export async function listEnabledConfigurations(
  db: Kysely<Database>,
  input: { projectId: string; integrationId: string; workflowId: string },
): Promise<
  Array<{ configurationId: string; credentialId: string; connectedUserId: string; meta: JsonObject }>
> {
  return db
    .selectFrom('credentialConfigurations')
    .innerJoin('credentials', 'credentials.id', 'credentialConfigurations.credentialId')
    .innerJoin('connectedUsers', 'connectedUsers.id', 'credentials.connectedUserId')
    .select([
      'credentialConfigurations.id as configurationId',
      'credentials.id as credentialId',
      'credentials.connectedUserId',
      'connectedUsers.meta',
    ])
    .where('credentials.projectId', '=', input.projectId)
    .where('credentials.integrationId', '=', input.integrationId)
    .where('credentials.status', '=', 'VALID')
    .where(
      sql<string>`credential_configurations.workflow_settings -> ${input.workflowId}::text ->> 'enabled'`,
      '=',
      'true',
    )
    .execute() as Promise<
    Array<{ configurationId: string; credentialId: string; connectedUserId: string; meta: JsonObject }>
  >;
}

export type ScheduleKey = Pick<WorkflowSchedule, 'workflowId' | 'credentialId' | 'configurationId'>;
const keyOf = (k: ScheduleKey) => `${k.workflowId}/${k.credentialId}/${k.configurationId}`;

/**
 * Makes the schedule rows exactly `wanted`: adds missing rows, recomputes `nextRunAt` of rows whose
 * spec (trigger, time zone) changed, and deletes rows no longer wanted (workflow disabled, credential
 * gone or not VALID, trigger no longer a Schedule).
 */
export async function syncSchedules(
  db: Kysely<Database>,
  wanted: Array<Omit<WorkflowSchedule, 'lastRunAt' | 'createdAt'>>,
): Promise<void> {
  for (const row of wanted) {
    await db
      .insertInto('workflowSchedules')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['workflowId', 'credentialId', 'configurationId'])
          .doUpdateSet({ spec: row.spec, nextRunAt: row.nextRunAt })
          .where('workflowSchedules.spec', '<>', row.spec),
      )
      .execute();
  }
  const keep = new Set(wanted.map(keyOf));
  const existing = await db
    .selectFrom('workflowSchedules')
    .select(['workflowId', 'credentialId', 'configurationId'])
    .execute();
  for (const stale of existing.filter((k) => !keep.has(keyOf(k)))) await deleteSchedule(db, stale);
}

export async function deleteSchedule(db: Kysely<Database>, key: ScheduleKey): Promise<void> {
  await db
    .deleteFrom('workflowSchedules')
    .where('workflowId', '=', key.workflowId)
    .where('credentialId', '=', key.credentialId)
    .where('configurationId', '=', key.configurationId)
    .execute();
}

/** Due schedules, locked for the caller's transaction; rows another scheduler holds are skipped. */
export async function lockDueSchedules(
  trx: Kysely<Database>,
  now: Date,
  limit: number,
): Promise<WorkflowSchedule[]> {
  return trx
    .selectFrom('workflowSchedules')
    .selectAll()
    .where('nextRunAt', '<=', now)
    .orderBy('nextRunAt')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** Moves a schedule on, only from the instant it was read at (compare-and-set); false if it moved. */
export async function advanceSchedule(
  trx: Kysely<Database>,
  key: ScheduleKey,
  from: Date,
  next: Date,
): Promise<boolean> {
  const result = await trx
    .updateTable('workflowSchedules')
    .set({ nextRunAt: next, lastRunAt: from })
    .where('workflowId', '=', key.workflowId)
    .where('credentialId', '=', key.credentialId)
    .where('configurationId', '=', key.configurationId)
    .where('nextRunAt', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
