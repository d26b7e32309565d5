// Bundles serverProcessMain.ts (the real server with extra catalog entries from
// SWITCHBOARD_TEST_EXTRA_DEFINITIONS) and workerProcessMain.ts (`switchboard worker`, likewise) for
// child processes in tests and benches: workspace packages inlined from their TypeScript sources, npm
// packages left as imports — as scripts/build.mjs bundles the server — so the bundle lives under the
// repository's node_modules/.cache, where Node resolves those imports. Plain JavaScript so that bench scripts can import it without a TypeScript runtime.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUNDLE_PREFIX = 'switchboard-server-process-';
const root = fileURLToPath(new URL('../../../../', import.meta.url));

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Exit handlers do not always run (test runners, kill -9): bundles of processes that are gone go here. */
function removeStaleBundles(cache) {
  for (const name of readdirSync(cache)) {
    if (!name.startsWith(BUNDLE_PREFIX)) continue;
    const pid = Number(name.slice(BUNDLE_PREFIX.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) continue;
    rmSync(join(cache, name), { recursive: true, force: true });
  }
}

/**
 * Builds a fresh bundle; the caller removes `dir` when done (the pid in its name marks its owner).
 * `file` runs the server, `workerFile` a worker process.
 */
export async function bundleServerProcess() {
  const { build } = await import('esbuild');
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  removeStaleBundles(cache);
  const dir = mkdtempSync(join(cache, `${BUNDLE_PREFIX}${process.pid}-`));
  await build({
    entryPoints: {
      serverProcessMain: fileURLToPath(new URL('./serverProcessMain.ts', import.meta.url)),
      workerProcessMain: fileURLToPath(new URL('./workerProcessMain.ts', import.meta.url)),
    },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [
      {
        name: 'npm-packages-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@switchboard/') ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  return { dir, file: join(dir, 'serverProcessMain.mjs'), workerFile: join(dir, 'workerProcessMain.mjs') };
}
