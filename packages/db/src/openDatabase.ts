import { PGlite } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrateToLatest';
import { PgliteDialect } from './pgliteDialect';
import type { Database } from './schema';

export type DatabaseKind = 'pglite' | 'postgres';

export type DatabaseOptions =
  /** Real PostgreSQL: many processes may share it. */
  | { kind: 'postgres'; url: string; maxConnections?: number }
  /** Embedded PGlite in a directory (one process at a time), or in memory when `dataDir` is omitted. */
  | { kind: 'pglite'; dataDir?: string };

export interface OpenedDatabase {
  db: Kysely<Database>;
  kind: DatabaseKind;
  close(): Promise<void>;
}

/** Opens the database, runs migrations, and returns a Kysely with camelCase column names. */
export async function openDatabase(options: DatabaseOptions): Promise<OpenedDatabase> {
  const dialect =
    options.kind === 'postgres'
      ? new PostgresDialect({ pool: createPool(options.url, options.maxConnections ?? 10) })
      : new PgliteDialect(options.dataDir ? new PGlite(options.dataDir) : new PGlite());

  const raw = new Kysely<unknown>({ dialect });
  try {
    await migrateToLatest(raw);
  } catch (error) {
    await raw.destroy();
    throw error;
  }
  // Column names are camelCased; the keys inside jsonb values (user metadata, settings, payloads)
  // are the users' own data and must come back exactly as stored.
  const db = raw.withPlugin(
    new CamelCasePlugin({ maintainNestedObjectKeys: true }),
  ) as unknown as Kysely<Database>;
  return { db, kind: options.kind, close: () => raw.destroy() };
}

function createPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client whose connection dies (server restart, failover, admin kill) emits 'error' on the
  // pool; unhandled, that would crash the process. The pool drops the client and opens a new one.
  pool.on('error', () => {});
  return pool;
}
