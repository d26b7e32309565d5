// Throughput and latency of the hottest SDK call, `GET /projects/:pid/sdk/me` (every authenticate()
// and every setUserMetadata() refresh hits it), next to a bare Fastify hello-world on the same machine
// in the same run. Prints figures; never passes or fails. See bench/README.md.
//
//   node bench/sdk-me.mjs            BENCH_SECONDS=10 (measured), BENCH_WARMUP_SECONDS=2,
//                                    BENCH_CONNECTIONS=10, BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test
//
// Each server is a separate child process, so autocannon (in this process) never shares its event loop.
import { spawn } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, installCleanup, stopChild } from './benchProcesses.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const HELLO_ROLE = '--hello-world-server';

// Child role: the baseline server (Fastify from node_modules, nothing else).
if (process.argv.includes(HELLO_ROLE)) {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ hello: 'world' }));
  await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
  process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
} else {
  await main();
}

async function main() {
  const seconds = positive('BENCH_SECONDS', 10);
  const warmup = positive('BENCH_WARMUP_SECONDS', 2);
  const connections = positive('BENCH_CONNECTIONS', 10);
  const pgAdminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  // Three targets, each: start + warm-up + measurement; plus the build and generous slack.
  const budgetMs = (3 * (seconds + warmup) + 180) * 1000;
  const cleanup = installCleanup(budgetMs);

  const { default: autocannon } = await import('autocannon');
  const { build } = await import('../scripts/build.mjs');
  await build();

  console.log(
    `sdk-me: GET /projects/:pid/sdk/me — ${connections} connections, ${warmup} s warm-up + ${seconds} s measured per target`,
  );
  console.log(
    `machine: ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
  );

  const rows = [];
  const notes = [];

  async function measure(target, url, headers = {}) {
    const options = { url, connections, headers };
    await autocannon({ ...options, duration: warmup });
    const result = await autocannon({ ...options, duration: seconds });
    rows.push({
      target,
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      total: result.requests.total,
      bad: result.non2xx + result.errors + result.timeouts,
    });
  }

  try {
    // (a) Baseline.
    const hello = await startChild(
      cleanup,
      'fastify hello-world',
      [fileURLToPath(import.meta.url), HELLO_ROLE],
      {},
    );
    await measure('fastify hello-world', `${hello.url}/`);
    await hello.stop();

    // (b) Switchboard on the embedded PGlite.
    const pgliteDir = cleanup.tempDir('switchboard-bench-pglite-');
    const onPglite = await startSwitchboard(cleanup, 'switchboard (PGlite)', {
      SWITCHBOARD_DATA_DIR: pgliteDir,
    });
    await measure('switchboard (PGlite)', ...(await sdkMeRequest(onPglite.url)));
    await onPglite.stop();

    // (c) Switchboard on PostgreSQL, in a scratch database dropped afterwards.
    const scratch = await cleanup.scratchDatabase(pgAdminUrl);
    if (scratch.skipped) {
      notes.push(`PostgreSQL skipped: ${scratch.skipped}`);
    } else {
      const pgDir = cleanup.tempDir('switchboard-bench-pg-');
      const onPg = await startSwitchboard(cleanup, 'switchboard (PostgreSQL)', {
        SWITCHBOARD_DATA_DIR: pgDir,
        DATABASE_URL: scratch.url,
      });
      await measure('switchboard (PostgreSQL)', ...(await sdkMeRequest(onPg.url)));
      await onPg.stop();
    }
  } finally {
    await cleanup.run();
  }

  printTable(rows);
  for (const note of notes) console.log(note);
}

/** `[url, headers]` for the sample user of the server's development project. */
async function sdkMeRequest(baseUrl) {
  const response = await fetch(`${baseUrl}/demo/session`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET /demo/session answered ${response.status}`);
  const session = await response.json();
  const url = `${baseUrl}/projects/${session.projectId}/sdk/me`;
  const headers = { authorization: `Bearer ${session.token}`, accept: 'application/json' };
  const check = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  if (check.status !== 200) throw new Error(`GET /sdk/me answered ${check.status}: ${await check.text()}`);
  return [url, headers];
}

function printTable(rows) {
  const baseline = rows.find((r) => r.target === 'fastify hello-world');
  const header = ['target', 'requests/s', 'p50 ms', 'p99 ms', 'requests', 'non-2xx/errors', 'vs hello-world'];
  const lines = rows.map((r) => [
    r.target,
    r.rps.toFixed(0),
    r.p50.toFixed(0),
    r.p99.toFixed(0),
    String(r.total),
    String(r.bad),
    baseline ? `${((100 * r.rps) / baseline.rps).toFixed(1)} %` : 'n/a',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log();
  console.log(format(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of lines) console.log(format(line));
  console.log();
}

function positive(name, fallback) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

// ---- processes, temp dirs and scratch databases: everything started here is undone on exit ----

function startSwitchboard(cleanup, label, env) {
  return startChild(cleanup, label, [join(root, 'apps/server/dist/main.js')], { LOG_LEVEL: 'warn', ...env });
}

/** Spawns `node <args>` listening on a free 127.0.0.1 port; resolves once GET /healthz or / answers. */
async function startChild(cleanup, label, args, env) {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  cleanup.children.add(child);
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  child.once('exit', () => cleanup.children.delete(child));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (true) {
    if (child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode}:\n${stderr}`);
    if (Date.now() > deadline) throw new Error(`${label} did not answer within 60 s:\n${stderr}`);
    try {
      const probe = await fetch(`${url}${args.includes(HELLO_ROLE) ? '/' : '/healthz'}`, {
        signal: AbortSignal.timeout(1000),
      });
      if (probe.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url, stop: () => stopChild(child) };
}
