// Process and scratch-resource handling shared by the bench scripts: children are stopped and
// temporary directories and databases removed on normal end, error, SIGINT/SIGTERM or when the
// time budget runs out.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleServerProcess as bundleTestServer } from '../apps/server/src/testing/bundleServerProcess.mjs';

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
    /** Removes `dir` (made elsewhere, e.g. under node_modules/.cache) at cleanup. */
    removeDir(dir) {
      dirs.push(dir);
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

// ---- the server as a child process with extra catalog entries (apps/server/src/testing/serverProcessMain.ts) ----

/**
 * The server as a child process with extra catalog entries (apps/server/src/testing/serverProcessMain.ts,
 * bundled by bundleServerProcess.mjs, shared with the tests); removed at cleanup. Returns the bundle's
 * path; run it with `startServerProcess`.
 */
export async function bundleServerProcess(cleanup) {
  const { dir, file } = await bundleTestServer();
  cleanup.removeDir(dir);
  return file;
}

/**
 * The server and `switchboard worker` (apps/server/src/testing/workerProcessMain.ts) from one bundle;
 * start the worker with `startServerProcess` too: it waits for the worker's `{"worker": ...}` line.
 */
export async function bundleServerAndWorker(cleanup) {
  const { dir, file, workerFile } = await bundleTestServer();
  cleanup.removeDir(dir);
  return { server: file, worker: workerFile };
}

/**
 * Spawns `node <args>` for a server that prints one `{"url": ..., "pid": ...}` line on stdout when it
 * listens (serverProcessMain, or a bench's own role); resolves `{ url, pid, child, stop }` then.
 * The child's environment is PATH plus `env` only (an exported DATABASE_URL never leaks into a PGlite
 * run). An IPC channel is the child's lifeline: serverProcessMain stops when it closes.
 */
export async function startServerProcess(cleanup, label, args, env, timeoutMs = 60_000) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.channel?.unref();
  cleanup.children.add(child);
  child.once('exit', () => cleanup.children.delete(child));
  let output = '';
  const record = (chunk) => {
    output = (output + chunk).slice(-4000);
  };
  child.stderr.on('data', record);
  const ready = await new Promise((resolve, reject) => {
    let pending = '';
    let settled = false;
    const fail = (reason) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`${label} ${reason}:\n${output}`));
    };
    const timer = setTimeout(() => {
      fail(`did not listen within ${timeoutMs / 1000} s`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`}) before listening`));
    child.once('error', (error) => fail(`could not be spawned (${error.message})`));
    child.stdout.on('data', (chunk) => {
      record(chunk);
      if (settled) return;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{"url"') && !line.startsWith('{"worker"')) continue;
        settled = true;
        clearTimeout(timer);
        resolve(JSON.parse(line));
        return;
      }
    });
  });
  return { url: ready.url, pid: ready.pid, child, stop: () => stopChild(child), output: () => output };
}
