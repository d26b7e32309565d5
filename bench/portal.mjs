// What a browser downloads and how long it waits before the Connect Portal is usable, in Debian's
// Chromium: the SDK script tag, then paragon.connect() until the portal's Connect button is enabled.
// Cold = a fresh browser context (empty cache); warm = connect() again in the same page (the iframe
// is already loaded). Prints figures beside the official client's loader (194 KB minified, 53 KB
// gzipped, which then loads its own portal); never passes or fails. See bench/README.md.
//
//   node bench/portal.mjs        BENCH_RUNS=5, CHROMIUM_PATH=/usr/bin/chromium
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, installCleanup, stopChild } from './benchProcesses.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const cleanup = installCleanup(300_000);

if (!existsSync(chromiumPath)) {
  console.log(`portal: skipped, no Chromium at ${chromiumPath} (apt-get install chromium)`);
  process.exit(0);
}

let browser;
try {
  const { build } = await import('../scripts/build.mjs');
  await build();
  const { chromium } = await import('playwright-core');
  const server = await startServer();
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  console.log(`portal: SDK script tag + paragon.connect('sandbox') in Chromium, ${runs} cold runs`);
  console.log(
    `machine: ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
  );

  const cold = [];
  for (let i = 0; i < runs; i++) cold.push(await measure(server.url));
  const bytes = cold[0].bytes;
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(
    '\nbytes on the wire before the portal is interactive (first, cold load; brotli where accepted)',
  );
  console.log(`  SDK script                 ${kb(bytes.sdk)}`);
  console.log(`  portal document + JS + CSS ${kb(bytes.portal)}`);
  console.log(`  SDK API calls (JSON)       ${kb(bytes.api)}`);
  console.log(`  total                      ${kb(bytes.sdk + bytes.portal + bytes.api)}`);
  console.log('  official client loader     53.0 KB gzipped (194 KB minified), before its own portal loads');
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log('\ntime from connect() to an enabled Connect button');
  console.log(
    `  cold (new context) median ${median(cold.map((r) => r.coldMs)).toFixed(0)} ms, runs: ${cold.map((r) => r.coldMs.toFixed(0)).join(', ')}`,
  );
  console.log(
    `  warm (iframe loaded) median ${median(cold.map((r) => r.warmMs)).toFixed(0)} ms, runs: ${cold.map((r) => r.warmMs.toFixed(0)).join(', ')}`,
  );
} finally {
  await browser?.close();
  await cleanup.run();
}

async function startServer() {
  const port = await freePort();
  const dataDir = cleanup.tempDir('switchboard-bench-portal-');
  const child = spawn(process.execPath, [join(root, 'apps/server/dist/main.js')], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      SWITCHBOARD_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  cleanup.children.add(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })).ok)
        return { url, stop: () => stopChild(child) };
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('server did not start within 60 s');
}

/** One cold load of the demo page and two connect() calls; bytes by kind and milliseconds. */
async function measure(url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const responses = [];
  page.on('requestfinished', async (request) => {
    const sizes = await request.sizes().catch(() => undefined);
    if (sizes)
      responses.push({ url: request.url(), bytes: sizes.responseBodySize + sizes.responseHeadersSize });
  });
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${url}/demo/`);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 20_000 }).catch(async (error) => {
    const status = await page.textContent('#status').catch(() => '?');
    throw new Error(`demo page not ready (${status}; ${problems.join('; ')}): ${error.message}`);
  });

  const open = async () => {
    const started = performance.now();
    await page.click('[data-testid="connect-sandbox"]');
    const frame = await waitForPortalFrame(page);
    await frame.waitForSelector('[data-testid="portal-connect"]:not([disabled])', { timeout: 20_000 });
    const elapsed = performance.now() - started;
    await frame.click('[data-testid="portal-close"]');
    await page.waitForSelector('#paragon-connect-frame', { state: 'hidden', timeout: 10_000 });
    return elapsed;
  };
  const coldMs = await open();
  const bytes = { sdk: 0, portal: 0, api: 0 };
  for (const r of responses) {
    const path = new URL(r.url).pathname;
    if (path.startsWith('/sdk/')) bytes.sdk += r.bytes;
    else if (path.startsWith('/ui/')) bytes.portal += r.bytes;
    else if (path.startsWith('/projects/')) bytes.api += r.bytes;
  }
  const warmMs = await open();
  await context.close();
  return { coldMs, warmMs, bytes };
}

async function waitForPortalFrame(page) {
  await page.waitForSelector('#paragon-connect-frame', { state: 'visible', timeout: 20_000 });
  for (;;) {
    const frame = page.frame({ url: /\/ui\/\?projectId=/ });
    if (frame) return frame;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
