import { type Kysely, sql } from 'kysely';

// Scheduler: one row per enabled (Schedule workflow, credential configuration); `next_run_at` is the
// next scheduled instant. A scheduler fires a due row inside a transaction that holds the row lock
// (`FOR UPDATE SKIP LOCKED`), queues the execution and advances `next_run_at` before committing, so
// any number of scheduler processes create at most one execution per scheduled instant.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('workflow_schedules')
    .addColumn('workflow_id', 'uuid', (c) => c.notNull().references('workflows.id').onDelete('cascade'))
    .addColumn('credential_id', 'uuid', (c) => c.notNull().references('credentials.id').onDelete('cascade'))
    .addColumn('configuration_id', 'uuid', (c) =>
      c.notNull().references('credential_configurations.id').onDelete('cascade'),
    )
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('connected_user_id', 'uuid', (c) =>
      c.notNull().references('connected_users.id').onDelete('cascade'),
    )
    // The trigger and time zone the next run was computed from; a change recomputes it.
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('next_run_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_run_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('workflow_schedules_pk', ['workflow_id', 'credential_id', 'configuration_id'])
    .execute();
  await db.schema
    .createIndex('workflow_schedules_next_run_at')
    .on('workflow_schedules')
    .column('next_run_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('workflow_schedules').execute();
}
