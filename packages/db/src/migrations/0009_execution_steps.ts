import type { Kysely } from 'kysely';

// Step records of executions, one row per step instance (`stepId`, or `stepId[item]` in a fan-out):
// a save writes only the records that changed, so a fan-out over 10,000 items no longer rewrites
// every item's record on every save. The executions row keeps the rest of the state (context,
// status, response, error); rows written before this table existed keep their steps in the state
// itself, and readers merge both. Deleted with their execution.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('execution_steps')
    .addColumn('execution_id', 'uuid', (c) => c.notNull().references('executions.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('record', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('execution_steps_pkey', ['execution_id', 'key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('execution_steps').execute();
}
