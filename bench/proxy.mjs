// The Connect proxy's overhead: the same small upstream call made directly, through a bare undici
// pass-through (the ceiling for any Node proxy here) and through Switchboard's proxy with a connected
// API-key credential, on PGlite and on PostgreSQL, in one run on one machine. Prints figures; never
// passes or fails. See bench/README.md.
//
//   node bench/proxy.mjs             BENCH_SECONDS=5 (measured per round), BENCH_WARMUP_SECONDS=2,
//                                    BENCH_ROUNDS=3, BENCH_CONNECTIONS=10,
//                                    BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test,
//                                    BENCH_CPU_PROFILE_DIR=<dir> (V8 CPU profiles of the proxies)
//
// Every server is a separate child process; autocannon (the load) runs in this one.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { bundleServerProcess, installCleanup, startServerProcess } from './benchProcesses.mjs';

const UPSTREAM_ROLE = '--upstream-server';
const PASSTHROUGH_ROLE = '--passthrough-server';
const ITEMS_PATH = '/v1/items?limit=10';
const TYPE = 'benchapi';

if (process.argv.includes(UPSTREAM_ROLE)) await upstreamServer();
else if (process.argv.includes(PASSTHROUGH_ROLE)) await passThroughServer();
else await main();

// ---- child roles ----

/** The provider: `GET /v1/items?limit=n` → a small JSON page; `/verify` for the API-key install. */
async function upstreamServer() {
  const apiKey = process.env.BENCH_API_KEY;
  const pages = new Map();
  const page = (limit) => {
    if (!pages.has(limit)) {
      const data = Array.from({ length: limit }, (_, i) => ({ id: i + 1, name: `item ${i + 1}` }));
      pages.set(limit, JSON.stringify({ data, next: null }));
    }
    return pages.get(limit);
  };
  const server = createServer((request, response) => {
    request.resume();
    const send = (status, body) => {
      response.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
    };
    // Every call must carry the key: a proxy that failed to inject it shows up as non-2xx.
    if (request.headers['x-api-key'] !== apiKey) return send(401, '{"error":"missing or wrong X-Api-Key"}');
    const url = new URL(request.url ?? '/', 'http://upstream');
    if (url.pathname === '/verify') return send(200, '{"account":"bench-account"}');
    if (url.pathname === '/v1/items') {
      const limit = Math.min(100, Math.max(1, Number(url.searchParams.get('limit')) || 10));
      return send(200, page(limit));
    }
    send(404, '{"error":"not found"}');
  });
  await listenAndAnnounce(server);
}

/**
 * The ceiling: a node:http server forwarding method, path, headers and body with undici's request()
 * over a keep-alive Agent, streaming the answer back. No auth, no database, no header policy.
 */
async function passThroughServer() {
  const { Agent, request } = await import('undici');
  const upstream = new URL(process.env.BENCH_UPSTREAM_URL).origin;
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const hopByHop = new Set([
    'connection',
    'keep-alive',
    'proxy-connection',
    'proxy-authenticate',
    'proxy-authorization',
    'te',
    'trailer',
    'transfer-encoding',
    'upgrade',
    'host',
  ]);
  const without = (headers) => {
    const kept = {};
    for (const [name, value] of Object.entries(headers)) if (!hopByHop.has(name)) kept[name] = value;
    return kept;
  };
  const server = createServer(async (req, res) => {
    try {
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const answer = await request(`${upstream}${req.url}`, {
        dispatcher: agent,
        method: req.method,
        headers: without(req.headers),
        body: hasBody ? req : undefined,
      });
      res.writeHead(answer.statusCode, without(answer.headers));
      // .pipe() rather than stream.pipeline(): the same streaming, without pipeline's per-request
      // bookkeeping, which costs a quarter of this server's throughput on small answers.
      answer.body.once('error', () => res.destroy());
      res.once('close', () => {
        if (!res.writableFinished) answer.body.destroy();
      });
      answer.body.pipe(res);
    } catch (error) {
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(error?.message ?? error) }));
      }
    }
  });
  await listenAndAnnounce(server);
}

/** Listens on an ephemeral port and prints the line startServerProcess waits for; SIGTERM stops it. */
async function listenAndAnnounce(server) {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
  process.stdout.write(
    `${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}`, pid: process.pid })}\n`,
  );
}

// ---- the bench ----

async function main() {
  const seconds = positive('BENCH_SECONDS', 5);
  const warmup = positive('BENCH_WARMUP_SECONDS', 2);
  const rounds = positive('BENCH_ROUNDS', 3);
  const connections = positive('BENCH_CONNECTIONS', 10);
  const pgAdminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  // Six targets × rounds × (warm-up + measurement); plus starts, set-up and generous slack.
  const cleanup = installCleanup((6 * rounds * (seconds + warmup) + 240) * 1000);
  const self = fileURLToPath(import.meta.url);

  const { default: autocannon } = await import('autocannon');
  const bundle = await bundleServerProcess(cleanup);

  console.log(
    `proxy: GET ${ITEMS_PATH} — ${connections} connections; ${rounds} rounds, each target ${warmup} s warm-up + ${seconds} s measured per round`,
  );
  console.log(
    `machine: ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
  );

  const notes = [];
  /** target → one result per round */
  const results = new Map();

  /** Warm-up, then the measured run; latencies of 2xx answers recorded exactly (autocannon's are whole ms). */
  async function measure(target, url, headers, pid) {
    const options = { url, connections, headers };
    await autocannon({ ...options, duration: warmup });
    const samples = [];
    const cpuBefore = cpuMs(pid);
    const run = autocannon({ ...options, duration: seconds });
    run.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) samples.push(responseTime);
    });
    const result = await run;
    const cpu = cpuMs(pid) - cpuBefore;
    const sorted = Float64Array.from(samples).sort();
    if (!results.has(target)) results.set(target, []);
    results.get(target).push({
      rps: result.requests.average,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      mean: sorted.reduce((sum, v) => sum + v, 0) / (sorted.length || 1),
      total: result.requests.total,
      bad: result.non2xx + result.errors + result.timeouts,
      // CPU the server process (for `direct`: the upstream) spent per answered request, in µs.
      cpuUs: (cpu * 1000) / Math.max(1, result.requests.total),
    });
  }

  try {
    const apiKey = `bench_${randomBytes(16).toString('hex')}`;
    const upstream = await startServerProcess(cleanup, 'upstream', [self, UPSTREAM_ROLE], {
      BENCH_API_KEY: apiKey,
    });
    const expected = await fetch(`${upstream.url}${ITEMS_PATH}`, { headers: { 'x-api-key': apiKey } });
    const upstreamBody = await expected.text();
    if (expected.status !== 200) throw new Error(`upstream answered ${expected.status}: ${upstreamBody}`);
    notes.push(`upstream answer: 200, ${Buffer.byteLength(upstreamBody)} B of JSON`);
    const keyHeaders = { 'x-api-key': apiKey, accept: 'application/json' };
    const isUpstreamBody = (body) => body === upstreamBody;
    const isWrapped = (body) => isDeepStrictEqual(JSON.parse(body), { output: JSON.parse(upstreamBody) });

    // Every server runs for the whole bench (an idle one costs no CPU); the targets are measured in
    // turn, round after round, so slow drift of the machine hits every target alike. Figures are the
    // median over rounds; the ratio is taken within each round, then its median.
    const targets = [
      {
        name: 'direct',
        url: `${upstream.url}${ITEMS_PATH}`,
        headers: keyHeaders,
        check: isUpstreamBody,
        pid: upstream.pid,
      },
    ];
    const passThrough = await startServerProcess(
      cleanup,
      'pass-through',
      [...cpuProfile(), self, PASSTHROUGH_ROLE],
      {
        BENCH_UPSTREAM_URL: upstream.url,
      },
    );
    targets.push({
      name: 'undici pass-through',
      url: `${passThrough.url}${ITEMS_PATH}`,
      headers: keyHeaders,
      check: isUpstreamBody,
      pid: passThrough.pid,
    });

    const databases = [['PGlite', {}]];
    const scratch = await cleanup.scratchDatabase(pgAdminUrl);
    if (scratch.skipped) notes.push(`PostgreSQL skipped: ${scratch.skipped}`);
    else databases.push(['PostgreSQL', { DATABASE_URL: scratch.url }]);
    for (const [database, env] of databases) {
      const adminKey = `sba_${randomBytes(24).toString('base64url')}`;
      const server = await startServerProcess(
        cleanup,
        `switchboard (${database})`,
        [...cpuProfile(), bundle],
        {
          SWITCHBOARD_DATA_DIR: cleanup.tempDir('switchboard-bench-proxy-'),
          SWITCHBOARD_ADMIN_KEY: adminKey,
          SWITCHBOARD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
          SWITCHBOARD_DEVELOPMENT: '0',
          SWITCHBOARD_TEST_EXTRA_DEFINITIONS: JSON.stringify([benchEntry(upstream.url)]),
          HOST: '127.0.0.1',
          PORT: '0',
          LOG_LEVEL: 'warn',
          ...env,
        },
      );
      const { url, headers } = await connectedUser(server.url, adminKey, apiKey);
      targets.push({ name: `switchboard (${database})`, url, headers, check: isWrapped, pid: server.pid });
      targets.push({
        name: `switchboard (${database}, raw)`,
        url,
        headers: { ...headers, 'x-paragon-use-raw-response': '1' },
        check: isUpstreamBody,
        pid: server.pid,
      });
    }

    for (const target of targets) await expectAnswer(target.name, target.url, target.headers, target.check);
    for (let round = 1; round <= rounds; round += 1) {
      process.stdout.write(`round ${round}/${rounds}…\n`);
      for (const target of targets) await measure(target.name, target.url, target.headers, target.pid);
    }
  } finally {
    await cleanup.run();
  }

  printTable(results);
  for (const note of notes) console.log(note);
}

/** BENCH_CPU_PROFILE_DIR=<dir>: the pass-through and Switchboard processes write V8 CPU profiles there on exit. */
function cpuProfile() {
  const dir = process.env.BENCH_CPU_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** The catalog entry the Switchboard processes get: API key in X-Api-Key, base URL = the upstream. */
function benchEntry(baseUrl) {
  return {
    type: TYPE,
    name: 'Bench API',
    brandColor: '#336699',
    icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>',
    category: 'crm',
    description: 'The local upstream of bench/proxy.mjs.',
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

/**
 * Through the public APIs, as a customer would: a project and its integration (admin API), a User
 * Token signed with the project's key, and the API-key install (SDK API). Returns the proxy request.
 */
async function connectedUser(baseUrl, adminKey, apiKey) {
  const json = async (method, path, token, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text);
  };
  const project = await json('POST', '/admin/projects', adminKey, { name: 'Proxy bench' });
  const integration = await json('POST', `/admin/projects/${project.projectId}/integrations`, adminKey, {
    type: TYPE,
  });
  const { SignJWT, importPKCS8 } = await import('jose');
  const key = await importPKCS8(project.signingKey, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  const userToken = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setSubject('bench-user')
    .setIssuedAt(now)
    .setExpirationTime(now + 4 * 3600)
    .sign(key);
  await json('POST', `/projects/${project.projectId}/sdk/credentials`, userToken, {
    integrationId: integration.id,
    payload: { apiKey },
  });
  return {
    url: `${baseUrl}/projects/${project.projectId}/sdk/proxy/${TYPE}${ITEMS_PATH}`,
    headers: { authorization: `Bearer ${userToken}`, accept: 'application/json' },
  };
}

/** One request before measuring: the answer must be the upstream's, or the figures would mean nothing. */
async function expectAnswer(label, url, headers, check) {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  const body = await response.text();
  let ok = false;
  try {
    ok = response.status === 200 && check(body);
  } catch {
    // not JSON
  }
  if (!ok)
    throw new Error(`${label}: GET ${url} answered ${response.status} with an unexpected body: ${body}`);
}

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** User + system CPU time of a process so far, in ms (Linux /proc; 0 elsewhere). */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (USER_HZ, 100 on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function printTable(results) {
  const baseline = results.get('undici pass-through');
  const header = [
    'target',
    'requests/s',
    'p50 ms',
    'p99 ms',
    'mean ms',
    'requests',
    'non-2xx/errors',
    'server CPU µs/req',
    'vs pass-through (rounds)',
    '+p50 ms',
    '+mean ms',
  ];
  const lines = [...results].map(([target, runs]) => {
    const of = (key) => median(runs.map((r) => r[key]));
    const compared = baseline && target.startsWith('switchboard');
    // Within-round comparisons: the same machine state for both.
    const ratios = compared ? runs.map((r, i) => r.rps / baseline[i].rps) : [];
    const addedP50 = compared ? median(runs.map((r, i) => r.p50 - baseline[i].p50)) : 0;
    const addedMean = compared ? median(runs.map((r, i) => r.mean - baseline[i].mean)) : 0;
    return [
      target,
      of('rps').toFixed(0),
      of('p50').toFixed(2),
      of('p99').toFixed(2),
      of('mean').toFixed(2),
      String(runs.reduce((sum, r) => sum + r.total, 0)),
      String(runs.reduce((sum, r) => sum + r.bad, 0)),
      of('cpuUs').toFixed(0),
      compared ? `${median(ratios).toFixed(2)} (${ratios.map((r) => r.toFixed(2)).join(' ')})` : '',
      compared ? signed(addedP50) : '',
      compared ? signed(addedMean) : '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log();
  console.log(
    'medians over rounds; "vs pass-through" is the median of per-round ratios (each round in brackets)',
  );
  console.log(format(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of lines) console.log(format(line));
  console.log();
}

function signed(value) {
  return `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;
}

function positive(name, fallback) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}
