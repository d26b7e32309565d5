import { type Kysely, sql } from 'kysely';

// Workflows: immutable deployed versions, App Events (the durable record of `paragon.event`), and
// executions (the engine's ExecutionState JSON plus the columns a worker claims and task history filters by).
export async function up(db: Kysely<unknown>): Promise<void> {
  const now = sql`now()`;
  await db.schema
    .createTable('workflow_versions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('workflow_id', 'uuid', (c) => c.notNull().references('workflows.id').onDelete('cascade'))
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint('workflow_versions_workflow_version', ['workflow_id', 'version'])
    .execute();

  await db.schema
    .createTable('app_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('connected_user_id', 'uuid', (c) =>
      c.notNull().references('connected_users.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    // NULLs are distinct in a unique constraint: only events that carry a key are deduplicated.
    .addColumn('idempotency_key', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint('app_events_idempotency', ['project_id', 'connected_user_id', 'idempotency_key'])
    .execute();

  await db.schema
    .createTable('executions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('workflow_id', 'uuid', (c) => c.notNull().references('workflows.id').onDelete('cascade'))
    .addColumn('workflow_version_id', 'uuid', (c) =>
      c.notNull().references('workflow_versions.id').onDelete('cascade'),
    )
    .addColumn('integration_type', 'text', (c) => c.notNull())
    .addColumn('connected_user_id', 'uuid', (c) =>
      c.notNull().references('connected_users.id').onDelete('cascade'),
    )
    .addColumn('credential_id', 'uuid', (c) => c.references('credentials.id').onDelete('set null'))
    .addColumn('app_event_id', 'uuid', (c) => c.references('app_events.id').onDelete('set null'))
    .addColumn('trigger_kind', 'text', (c) => c.notNull())
    // queued | running | waiting | succeeded | failed
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('state', 'jsonb', (c) => c.notNull())
    // When a waiting execution may run again (a delay or a retry back-off); null: now.
    .addColumn('wake_at', 'timestamptz')
    // The worker that holds the execution, and until when its claim holds (a dead worker's lapses).
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'timestamptz')
    // How many times a worker claimed it (more than one: resumed after a wait or a crash).
    .addColumn('claims', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  // Claiming: unfinished executions by wake-up time.
  await db.schema
    .createIndex('executions_runnable')
    .on('executions')
    .columns(['wake_at', 'created_at'])
    .where(sql.ref('status'), 'in', sql`('queued', 'running', 'waiting')`)
    .execute();
  // Task history: a project's executions newest first (keyset on created_at, id), and by user/workflow.
  await db.schema
    .createIndex('executions_project_created')
    .on('executions')
    .columns(['project_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('executions_user_created')
    .on('executions')
    .columns(['connected_user_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('executions_workflow_created')
    .on('executions')
    .columns(['workflow_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('executions').execute();
  await db.schema.dropTable('app_events').execute();
  await db.schema.dropTable('workflow_versions').execute();
}
