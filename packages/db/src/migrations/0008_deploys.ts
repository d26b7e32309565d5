import { type Kysely, sql } from 'kysely';

// Deploys, replay and retention:
// - `workflows.deploy_key`: the stable name a deploy matches a workflow by when its definition has no
//   `id` (the CLI's is `<path relative to the deployed dir>#<export name>`), unique per project.
// - `executions.replay_of`: the execution a replay re-ran (null once that one is deleted by retention).
// - indexes for the retention sweep: finished executions by finish time, and executions by App Event
//   (an App Event is deleted once no execution refers to it).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('workflows').addColumn('deploy_key', 'text').execute();
  // NULLs are distinct: workflows created through the admin API without a key never collide.
  await db.schema
    .createIndex('workflows_project_deploy_key')
    .on('workflows')
    .columns(['project_id', 'deploy_key'])
    .unique()
    .execute();

  await db.schema
    .alterTable('executions')
    .addColumn('replay_of', 'uuid', (c) => c.references('executions.id').onDelete('set null'))
    .execute();
  await db.schema
    .createIndex('executions_finished')
    .on('executions')
    .column('finished_at')
    .where(sql.ref('status'), 'in', sql`('succeeded', 'failed')`)
    .execute();
  await db.schema.createIndex('executions_app_event').on('executions').column('app_event_id').execute();
  await db.schema.createIndex('executions_replay_of').on('executions').column('replay_of').execute();
  await db.schema.createIndex('app_events_created').on('app_events').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('app_events_created').execute();
  await db.schema.dropIndex('executions_replay_of').execute();
  await db.schema.dropIndex('executions_app_event').execute();
  await db.schema.dropIndex('executions_finished').execute();
  await db.schema.alterTable('executions').dropColumn('replay_of').execute();
  await db.schema.dropIndex('workflows_project_deploy_key').execute();
  await db.schema.alterTable('workflows').dropColumn('deploy_key').execute();
}
