import { type Kysely, sql } from 'kysely';

// Token refresh and monitoring: a lease that makes refresh single-flight across processes, and an
// outbox of monitoring events (credential failures now; workflow failures later).
export async function up(db: Kysely<unknown>): Promise<void> {
  const now = sql`now()`;
  await db.schema
    .alterTable('credentials')
    // Who is refreshing this credential, and until when the claim holds (a crashed holder's lease expires).
    .addColumn('refresh_lease_owner', 'text')
    .addColumn('refresh_lease_until', 'timestamptz')
    .execute();
  // The background sweep looks for VALID credentials that expire soon.
  await db.schema
    .createIndex('credentials_valid_until')
    .on('credentials')
    .column('date_valid_until')
    .where(sql.ref('status'), '=', 'VALID')
    .execute();

  await db.schema
    .createTable('monitoring_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    // e.g. credential.failure
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('connected_user_id', 'uuid')
    .addColumn('credential_id', 'uuid')
    .addColumn('integration_type', 'text')
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('monitoring_events_project_created')
    .on('monitoring_events')
    .columns(['project_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('monitoring_events').execute();
  await db.schema.dropIndex('credentials_valid_until').execute();
  await db.schema
    .alterTable('credentials')
    .dropColumn('refresh_lease_until')
    .dropColumn('refresh_lease_owner')
    .execute();
}
