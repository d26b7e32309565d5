// Process and scratch-resource handling shared by the bench scripts: children are stopped and
// temporary directories and databases removed on normal end, error, SIGINT/SIGTERM or when the
// time budget runs out.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function installCleanup(budgetMs) {
  const children = new Set();
  const dirs = [];
  const databases = [];
  let ran = false;

  async function run() {
    if (ran) return;
    ran = true;
    await Promise.all([...children].map((child) => stopChild(child)));
    for (const drop of databases.splice(0))
      await drop().catch((e) => console.error(`drop failed: ${e.message}`));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
  // Last resort on an abrupt exit: synchronous kill (databases/dirs need async work or are harmless).
  process.on('exit', () => {
    for (const child of children) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping children`);
      run().finally(() => process.exit(130));
    });
  }
  const watchdog = setTimeout(() => {
    console.error(`bench exceeded its ${budgetMs / 1000} s budget; stopping`);
    run().finally(() => process.exit(1));
  }, budgetMs);
  watchdog.unref();

  return {
    run,
    children,
    tempDir(prefix) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    /** A fresh database on the server of `adminUrl`, or `{ skipped: reason }` when unreachable. */
    async scratchDatabase(adminUrl) {
      const { default: pg } = await import('pg');
      const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
      try {
        await admin.connect();
      } catch (error) {
        return { skipped: `${adminUrl} unreachable (${error.message})` };
      }
      const name = `switchboard_bench_${process.pid}_${Date.now()}`;
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      databases.push(async () => {
        const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
        await client.connect();
        try {
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await client.end();
        }
      });
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return { url: url.toString() };
    },
  };
}

export async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => server.listen(0, '127.0.0.1', resolve).on('error', reject));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** SIGTERM (Switchboard closes its database cleanly), SIGKILL after 10 s. */
export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
