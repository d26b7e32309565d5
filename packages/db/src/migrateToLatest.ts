import { type Kysely, type Migration, Migrator } from 'kysely';
import * as initial from './migrations/0001_initial';
import * as sandbox from './migrations/0002_sandbox';
import * as connect from './migrations/0003_connect';
import * as refresh from './migrations/0004_refresh';
import * as workflows from './migrations/0005_workflows';
import * as monitoring from './migrations/0006_monitoring';
import * as schedules from './migrations/0007_schedules';
import * as deploys from './migrations/0008_deploys';
import * as executionSteps from './migrations/0009_execution_steps';

/** Every migration, in order. Add new ones here; names sort lexically. */
const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_sandbox': sandbox,
  '0003_connect': connect,
  '0004_refresh': refresh,
  '0005_workflows': workflows,
  '0006_monitoring': monitoring,
  '0007_schedules': schedules,
  '0008_deploys': deploys,
  '0009_execution_steps': executionSteps,
};

/** The names of every migration, in the order they run. */
export const migrationNames: readonly string[] = Object.keys(migrations).sort();

/**
 * Brings the schema to the latest version. Safe when several processes start at once: Kysely's
 * Postgres adapter takes a transaction-scoped advisory lock around the whole run.
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(
      `database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
