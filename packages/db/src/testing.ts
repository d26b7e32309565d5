import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type OpenedDatabase, openDatabase } from './openDatabase';

/**
 * For tests: with `DATABASE_URL` set, a fresh database on that PostgreSQL server (dropped on close);
 * otherwise an in-memory PGlite. Either way migrated and empty.
 */
export async function openTestDatabase(): Promise<OpenedDatabase & { url: string | undefined }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return { ...(await openDatabase({ kind: 'pglite' })), url: undefined };
  const { url, drop } = await createScratchDatabase(serverUrl);
  const opened = await openDatabase({ kind: 'postgres', url });
  return {
    ...opened,
    url,
    close: async () => {
      await opened.close();
      await drop();
    },
  };
}

/** Creates an empty database next to the one in `serverUrl`; `drop()` removes it. */
export async function createScratchDatabase(
  serverUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `switchboard_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
