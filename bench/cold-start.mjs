// How long `node apps/server/dist/main.js` takes to become useful, and what it costs at rest:
// a first start on a FRESH data directory (creates the database, runs migrations, creates the
// development project and its keys) and a warm restart on the same directory. Prints figures; never
// passes or fails. See bench/README.md.
//
//   node bench/cold-start.mjs        BENCH_IDLE_SECONDS=2, BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, installCleanup, stopChild } from './benchProcesses.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const POLL_MS = 10;

const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 2);
const pgAdminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const cleanup = installCleanup(300_000);

try {
  const { build } = await import('../scripts/build.mjs');
  await build();
  console.log('cold-start: node apps/server/dist/main.js, LOG_LEVEL=warn; times from spawn()');
  console.log(
    `machine: ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
  );

  const rows = [];
  const notes = [];

  const pgliteDir = cleanup.tempDir('switchboard-cold-pglite-');
  for (const run of ['first start', 'warm restart']) {
    rows.push({ backend: 'PGlite', run, ...(await startOnce({ SWITCHBOARD_DATA_DIR: pgliteDir })) });
  }

  const scratch = await cleanup.scratchDatabase(pgAdminUrl);
  if (scratch.skipped) {
    notes.push(`PostgreSQL skipped: ${scratch.skipped}`);
  } else {
    const pgDir = cleanup.tempDir('switchboard-cold-pg-');
    for (const run of ['first start', 'warm restart']) {
      rows.push({
        backend: 'PostgreSQL',
        run,
        ...(await startOnce({ SWITCHBOARD_DATA_DIR: pgDir, DATABASE_URL: scratch.url })),
      });
    }
  }

  printTable(rows);
  for (const note of notes) console.log(note);
} finally {
  await cleanup.run();
}

/** One server start: ms to the first 200 from /healthz and from /sdk/me, then idle RSS; then stop. */
async function startOnce(env) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'apps/server/dist/main.js')], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  cleanup.children.add(child);
  child.once('exit', () => cleanup.children.delete(child));
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  try {
    const deadline = started + 90_000;
    const until200 = async (path, headers = {}) => {
      while (true) {
        if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${stderr}`);
        if (performance.now() > deadline) throw new Error(`no 200 from ${path} within 90 s:\n${stderr}`);
        try {
          const response = await fetch(`${base}${path}`, { headers, signal: AbortSignal.timeout(5000) });
          if (response.status === 200)
            return { at: performance.now() - started, body: await response.json() };
          await response.arrayBuffer();
        } catch {
          // not listening yet
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    };

    const health = await until200('/healthz');
    const session = (await until200('/demo/session')).body;
    const me = await until200(`/projects/${session.projectId}/sdk/me`, {
      authorization: `Bearer ${session.token}`,
    });
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    const rssKb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]);
    return { healthMs: health.at, meMs: me.at, rssMb: rssKb / 1024 };
  } finally {
    await stopChild(child);
  }
}

function printTable(rows) {
  const header = ['backend', 'run', '/healthz 200 ms', '/sdk/me 200 ms', `idle RSS MB (${idleSeconds} s)`];
  const lines = rows.map((r) => [
    r.backend,
    r.run,
    r.healthMs.toFixed(0),
    r.meMs.toFixed(0),
    r.rssMb.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log();
  console.log(format(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of lines) console.log(format(line));
  console.log();
}

// ---- processes, temp dirs and scratch databases: everything started here is undone on exit ----
