// Workflows under load: App Events accepted per second (durably stored), event-to-first-step latency
// at a fixed rate, steps completed per second, and a fan-out over 10,000 items — on PGlite (the worker
// inside the server) and on PostgreSQL with one and with two `switchboard worker` processes. Prints
// figures; never passes or fails. See bench/README.md.
//
//   node bench/workflows.mjs    BENCH_SECONDS=10 (accept phase), BENCH_RATE=200 (events/s, latency
//                               phase), BENCH_RATE_SECONDS=10, BENCH_STEP_EVENTS=2000 (× 5 steps),
//                               BENCH_FANOUT_ITEMS=10000, BENCH_CONNECTIONS=20,
//                               BENCH_WORKER_CONCURRENCY (default: the server's default),
//                               BENCH_CONFIGS=pglite,pg1,pg2, BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test,
//                               BENCH_CPU_PROFILE_DIR=<dir> (V8 CPU profiles of the server processes),
//                               BENCH_PHASES=accept,latency,steps,fanout (a subset runs only those)
//
// Servers and workers are child processes. The provider the integration steps call is a small HTTP
// server inside this process, so "first step reached the provider" and "event sent" are read from one
// clock.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { bundleServerAndWorker, installCleanup, startServerProcess } from './benchProcesses.mjs';

const TYPE = 'benchflow';
const STEPS_PER_EXECUTION = 5;

/** The provider: counts hits per path, records when each `/first` arrived and what it carried. */
async function startProvider(apiKey) {
  const hits = new Map();
  const firstArrivals = [];
  let waiters = [];
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const at = performance.now();
      const send = (status, body) => {
        response.writeHead(status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        });
        response.end(body);
      };
      if (request.headers['x-api-key'] !== apiKey) return send(401, '{"error":"missing or wrong X-Api-Key"}');
      const path = new URL(request.url ?? '/', 'http://provider').pathname;
      if (path === '/verify') return send(200, '{"account":"bench"}');
      hits.set(path, (hits.get(path) ?? 0) + 1);
      if (path === '/first') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        firstArrivals.push({ at, sentAt: Number(body.sentAt) });
      }
      send(200, '{"ok":true}');
      for (const waiter of waiters) waiter();
    });
  });
  // Like a provider behind a load balancer: idle keep-alive connections stay open a minute.
  server.keepAliveTimeout = 65_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    hits: (path) => hits.get(path) ?? 0,
    firstArrivals,
    reset() {
      hits.clear();
      firstArrivals.length = 0;
    },
    /** Resolves when `path` has been hit `count` times (rejects after `timeoutMs`). */
    async waitFor(path, count, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while ((hits.get(path) ?? 0) < count) {
        if (Date.now() > deadline)
          throw new Error(`${path}: ${hits.get(path) ?? 0} of ${count} hits after ${timeoutMs / 1000} s`);
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, 200);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        waiters = [];
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

function benchEntry(baseUrl) {
  return {
    type: TYPE,
    name: 'Bench Flow API',
    brandColor: '#336699',
    icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>',
    category: 'crm',
    description: 'The local provider of bench/workflows.mjs.',
    overview: 'Bench provider.',
    docsUrl: 'https://example.com/docs',
    local: true,
    auth: {
      type: 'apiKey',
      fields: [{ id: 'apiKey', title: 'API key', secret: true }],
      injection: { type: 'header', name: 'X-Api-Key', value: '{{apiKey}}' },
      verification: { method: 'GET', url: '/verify' },
    },
    api: { baseUrl, allowedHosts: ['127.0.0.1'] },
    account: { providerId: { identity: 'account' }, providerData: {} },
  };
}

const workflows = {
  accept: {
    integration: TYPE,
    description: 'Accept phase: one cheap step',
    trigger: { type: 'appEvent', event: 'bench.accept' },
    steps: [{ id: 'seen', type: 'conditional', condition: { left: '{{trigger.n}}', op: 'exists' } }],
  },
  latency: {
    integration: TYPE,
    description: 'Latency phase: the first step calls the provider',
    trigger: { type: 'appEvent', event: 'bench.latency' },
    steps: [
      {
        id: 'first',
        type: 'integration',
        method: 'POST',
        path: '/first',
        body: { sentAt: '{{trigger.sentAt}}' },
      },
    ],
  },
  steps: {
    integration: TYPE,
    description: `Steps phase: ${STEPS_PER_EXECUTION} provider calls in a row`,
    trigger: { type: 'appEvent', event: 'bench.steps' },
    steps: Array.from({ length: STEPS_PER_EXECUTION }, (_, i) => ({
      id: `s${i + 1}`,
      type: 'integration',
      method: 'GET',
      path: '/step',
      ...(i + 1 < STEPS_PER_EXECUTION ? { next: `s${i + 2}` } : {}),
    })),
  },
  fanout: {
    integration: TYPE,
    description: 'Fan-out phase: one provider call per item, 50 at a time',
    trigger: { type: 'appEvent', event: 'bench.fanout' },
    steps: [
      {
        id: 'each',
        type: 'fanout',
        items: '{{trigger.items}}',
        concurrency: 50,
        steps: [
          {
            id: 'item',
            type: 'integration',
            method: 'POST',
            path: '/item',
            body: { i: '{{index}}' },
            retries: 2,
          },
        ],
      },
    ],
  },
};

/** A project, the bench integration, a connected user and the four workflows enabled for them. */
async function setUp(baseUrl, adminKey, apiKey) {
  const json = async (method, path, token, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const project = await json('POST', '/admin/projects', adminKey, { name: 'Workflow bench' });
  const pid = project.projectId;
  const integration = await json('POST', `/admin/projects/${pid}/integrations`, adminKey, { type: TYPE });
  const { SignJWT, importPKCS8 } = await import('jose');
  const key = await importPKCS8(project.signingKey, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  const userToken = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setSubject('bench-user')
    .setIssuedAt(now)
    .setExpirationTime(now + 4 * 3600)
    .sign(key);
  await json('POST', `/projects/${pid}/sdk/credentials`, userToken, {
    integrationId: integration.id,
    payload: { apiKey },
  });
  const ids = {};
  for (const [name, definition] of Object.entries(workflows)) {
    const created = await json('POST', `/admin/projects/${pid}/workflows`, adminKey, {
      integration: TYPE,
      description: definition.description,
    });
    await json('POST', `/admin/projects/${pid}/workflows/${created.id}/versions`, adminKey, definition);
    await json('POST', `/projects/${pid}/sdk/workflows/${created.id}`, userToken);
    ids[name] = created.id;
  }
  return {
    pid,
    ids,
    eventUrl: `${baseUrl}/v2/projects/${pid}/sdk/events/trigger`,
    userHeaders: { authorization: `Bearer ${userToken}`, 'content-type': 'application/json' },
    admin: (path) => json('GET', `/admin/projects/${pid}${path}`, adminKey),
  };
}

async function sendEvent(target, name, payload) {
  const response = await fetch(target.eventUrl, {
    method: 'POST',
    headers: target.userHeaders,
    body: JSON.stringify({ name, payload }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== 201 && response.status !== 200)
    throw new Error(`event ${name} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

/** Until no execution of the project is queued, running or waiting (a backlog from an earlier phase). */
async function drain(target, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let busy = 0;
    for (const status of ['queued', 'running', 'waiting'])
      busy += (await target.admin(`/executions?status=${status}&limit=1`)).executions.length;
    if (busy === 0) return;
    if (Date.now() > deadline) throw new Error(`executions still under way after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Phase 1: as many App Events as autocannon can get accepted (each stored with its execution). */
async function acceptPhase(target, seconds, connections) {
  const { default: autocannon } = await import('autocannon');
  const options = {
    url: target.eventUrl,
    method: 'POST',
    connections,
    headers: target.userHeaders,
    body: JSON.stringify({ name: 'bench.accept', payload: { n: 1 } }),
  };
  await autocannon({ ...options, duration: 2 });
  const result = await autocannon({ ...options, duration: seconds });
  return {
    eventsPerSecond: result.requests.average,
    total: result.requests.total,
    bad: result.non2xx + result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

/** Phase 2: `rate` events a second for `seconds`; event sent → first step at the provider. */
async function latencyPhase(target, provider, rate, seconds) {
  provider.reset();
  const count = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const start = performance.now();
  const sends = [];
  /** Event sent → 201 (stored): the part of the latency before any worker is involved. */
  const answered = [];
  let refused = 0;
  for (let i = 0; i < count; i += 1) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const sentAt = performance.now();
    sends.push(
      sendEvent(target, 'bench.latency', { sentAt }).then(
        () => answered.push(performance.now() - sentAt),
        () => {
          refused += 1;
        },
      ),
    );
  }
  await Promise.all(sends);
  const sendSeconds = (performance.now() - start) / 1000;
  await provider.waitFor('/first', count - refused, 120_000);
  const latencies = Float64Array.from(provider.firstArrivals.map((a) => a.at - a.sentAt)).sort();
  const stored = Float64Array.from(answered).sort();
  return {
    events: count,
    refused,
    achievedRate: count / sendSeconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1],
    storedP50: percentile(stored, 50),
    storedP99: percentile(stored, 99),
  };
}

/** Phase 3: `events` executions of 5 provider calls each, sent 20 at a time; steps/s at the provider. */
async function stepsPhase(target, provider, events) {
  provider.reset();
  const start = performance.now();
  let next = 0;
  const sender = async () => {
    while (next < events) {
      next += 1;
      await sendEvent(target, 'bench.steps', { n: next });
    }
  };
  await Promise.all(Array.from({ length: 20 }, sender));
  const sent = performance.now();
  await provider.waitFor('/step', events * STEPS_PER_EXECUTION, 600_000);
  const done = performance.now();
  const steps = events * STEPS_PER_EXECUTION;
  return {
    steps,
    sendSeconds: (sent - start) / 1000,
    totalSeconds: (done - start) / 1000,
    stepsPerSecond: steps / ((done - start) / 1000),
  };
}

/** Phase 4: one execution whose fan-out calls the provider once per item. */
async function fanoutPhase(target, provider, items) {
  provider.reset();
  const start = performance.now();
  const { executionIds } = await sendEvent(target, 'bench.fanout', {
    items: Array.from({ length: items }, (_, i) => ({ i })),
  });
  // Task history's summary (the list, not the detail: that holds 10,000 step records) until it ends.
  let lastItem;
  let summary;
  const deadline = Date.now() + 900_000;
  for (;;) {
    if (lastItem === undefined && provider.hits('/item') >= items) lastItem = performance.now();
    const page = await target.admin(`/executions?workflowId=${target.ids.fanout}&limit=1`);
    summary = page.executions.find((e) => e.id === executionIds[0]);
    if (summary?.status === 'succeeded' || summary?.status === 'failed') break;
    if (Date.now() > deadline) throw new Error(`fan-out still ${summary?.status} after 900 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const finished = performance.now();
  if (summary.status === 'failed') console.log(`  fan-out failed: ${JSON.stringify(summary.error)}`);
  lastItem ??= finished;
  return {
    items,
    status: summary.status,
    itemsSeconds: (lastItem - start) / 1000,
    totalSeconds: (finished - start) / 1000,
    itemsPerSecond: provider.hits('/item') / ((lastItem - start) / 1000),
  };
}

async function main() {
  const seconds = positive('BENCH_SECONDS', 10);
  const rate = positive('BENCH_RATE', 200);
  const rateSeconds = positive('BENCH_RATE_SECONDS', 10);
  const stepEvents = positive('BENCH_STEP_EVENTS', 2000);
  const fanoutItems = positive('BENCH_FANOUT_ITEMS', 10_000);
  const connections = positive('BENCH_CONNECTIONS', 20);
  const phases = new Set((process.env.BENCH_PHASES ?? 'accept,latency,steps,fanout').split(','));
  const configs = (process.env.BENCH_CONFIGS ?? 'pglite,pg1,pg2').split(',').map((c) => c.trim());
  const pgAdminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const cleanup = installCleanup(60 * 60 * 1000);
  const concurrency = process.env.BENCH_WORKER_CONCURRENCY;

  console.log(
    `workflows: accept ${seconds} s × ${connections} connections; latency at ${rate} events/s for ${rateSeconds} s; ` +
      `${stepEvents} executions × ${STEPS_PER_EXECUTION} steps; fan-out over ${fanoutItems} items (50 at a time)`,
  );
  console.log(
    `machine: ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; ` +
      `worker concurrency ${concurrency ?? 'default'}`,
  );
  const rows = [];
  const notes = [];
  const apiKey = `bench_${randomBytes(16).toString('hex')}`;
  const provider = await startProvider(apiKey);
  try {
    const { server: serverBundle, worker: workerBundle } = await bundleServerAndWorker(cleanup);
    for (const config of configs) {
      const workers = config === 'pg2' ? 2 : config === 'pg1' ? 1 : 0;
      const label =
        config === 'pglite'
          ? 'PGlite, worker in the server'
          : `PostgreSQL, ${workers} worker process${workers > 1 ? 'es' : ''}`;
      const env = {
        SWITCHBOARD_ADMIN_KEY: `sba_${randomBytes(24).toString('base64url')}`,
        SWITCHBOARD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        SWITCHBOARD_DEVELOPMENT: '0',
        SWITCHBOARD_TEST_EXTRA_DEFINITIONS: JSON.stringify([benchEntry(provider.url)]),
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'warn',
        ...(concurrency ? { SWITCHBOARD_WORKER_CONCURRENCY: concurrency } : {}),
      };
      if (config !== 'pglite') {
        const scratch = await cleanup.scratchDatabase(pgAdminUrl);
        if (scratch.skipped) {
          notes.push(`${label} skipped: ${scratch.skipped}`);
          continue;
        }
        env.DATABASE_URL = scratch.url;
        env.SWITCHBOARD_WORKER = '0';
      }
      process.stdout.write(`${label}…\n`);
      const server = await startServerProcess(
        cleanup,
        `switchboard (${label})`,
        [...cpuProfile(), serverBundle],
        {
          ...env,
          SWITCHBOARD_DATA_DIR: cleanup.tempDir('switchboard-bench-workflows-'),
        },
      );
      const workerProcesses = [];
      for (let i = 0; i < workers; i += 1)
        workerProcesses.push(
          await startServerProcess(cleanup, `worker ${i + 1} (${label})`, [workerBundle], {
            ...env,
            SWITCHBOARD_DATA_DIR: cleanup.tempDir('switchboard-bench-worker-'),
          }),
        );
      try {
        const target = await setUp(server.url, env.SWITCHBOARD_ADMIN_KEY, apiKey);
        const row = { label };
        if (phases.has('accept')) {
          row.accept = await acceptPhase(target, seconds, connections);
          process.stdout.write(`  accepted ${row.accept.eventsPerSecond.toFixed(0)} events/s; draining…\n`);
          await drain(target, 900_000);
        }
        if (phases.has('latency')) {
          row.latency = await latencyPhase(target, provider, rate, rateSeconds);
          process.stdout.write(
            `  latency p50 ${row.latency.p50.toFixed(1)} ms, p99 ${row.latency.p99.toFixed(1)} ms\n`,
          );
          await drain(target, 300_000);
        }
        if (phases.has('steps')) {
          row.steps = await stepsPhase(target, provider, stepEvents);
          process.stdout.write(`  ${row.steps.stepsPerSecond.toFixed(0)} steps/s\n`);
          await drain(target, 300_000);
        }
        if (phases.has('fanout')) {
          row.fanout = await fanoutPhase(target, provider, fanoutItems);
          process.stdout.write(`  fan-out ${row.fanout.totalSeconds.toFixed(1)} s\n`);
        }
        rows.push(row);
      } finally {
        for (const worker of workerProcesses) await worker.stop();
        await server.stop();
      }
    }
  } finally {
    await provider.close();
    await cleanup.run();
  }
  printTables(rows);
  for (const note of notes) console.log(note);
}

function printTables(rows) {
  const table = (title, header, lines) => {
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
    const format = (cells) =>
      cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
    console.log();
    console.log(title);
    console.log(format(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const line of lines) console.log(format(line));
  };
  table(
    'App Events accepted (each stored with its execution before the 201), autocannon',
    ['configuration', 'events/s', 'p50 ms', 'p99 ms', 'events', 'non-2xx/errors'],
    rows
      .filter((r) => r.accept)
      .map((r) => [
        r.label,
        r.accept.eventsPerSecond.toFixed(0),
        r.accept.p50,
        r.accept.p99,
        r.accept.total,
        r.accept.bad,
      ]),
  );
  table(
    'event sent → first step at the provider, at a fixed rate',
    ['configuration', 'events', 'rate/s', 'p50 ms', 'p99 ms', 'max ms', '201 p50', '201 p99', 'refused'],
    rows
      .filter((r) => r.latency)
      .map((r) => [
        r.label,
        r.latency.events,
        r.latency.achievedRate.toFixed(0),
        r.latency.p50.toFixed(1),
        r.latency.p99.toFixed(1),
        r.latency.max.toFixed(1),
        r.latency.storedP50.toFixed(1),
        r.latency.storedP99.toFixed(1),
        r.latency.refused,
      ]),
  );
  table(
    `steps completed per second (${STEPS_PER_EXECUTION} provider calls per execution; first event → last step)`,
    ['configuration', 'steps', 'steps/s', 'seconds', 'events sent in s'],
    rows
      .filter((r) => r.steps)
      .map((r) => [
        r.label,
        r.steps.steps,
        r.steps.stepsPerSecond.toFixed(0),
        r.steps.totalSeconds.toFixed(1),
        r.steps.sendSeconds.toFixed(1),
      ]),
  );
  table(
    'fan-out: one execution, one provider call per item, 50 at a time',
    ['configuration', 'items', 'last item s', 'finished s', 'items/s', 'status'],
    rows
      .filter((r) => r.fanout)
      .map((r) => [
        r.label,
        r.fanout.items,
        r.fanout.itemsSeconds.toFixed(1),
        r.fanout.totalSeconds.toFixed(1),
        r.fanout.itemsPerSecond.toFixed(0),
        r.fanout.status,
      ]),
  );
  console.log();
}

/** BENCH_CPU_PROFILE_DIR=<dir>: the server processes write V8 CPU profiles there on exit. */
function cpuProfile() {
  const dir = process.env.BENCH_CPU_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function positive(name, fallback) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

await main();
