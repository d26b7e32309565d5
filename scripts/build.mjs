// Builds everything `npm start` and the tests run: the server and CLI bundles (workspace packages
// inlined, npm dependencies left as imports), the SDK's browser builds and the Connect Portal.
// Takes about a second.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { build as viteBuild } from 'vite';
import { buildSdk } from '../packages/sdk/build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function npmDependencies() {
  const manifest = JSON.parse(readFileSync(`${root}/apps/server/package.json`, 'utf8'));
  const names = Object.keys(manifest.dependencies).filter((name) => !name.startsWith('@switchboard/'));
  for (const pkg of ['packages/db', 'packages/catalog', 'packages/contracts']) {
    const deps = JSON.parse(readFileSync(`${root}/${pkg}/package.json`, 'utf8')).dependencies ?? {};
    for (const name of Object.keys(deps)) if (!name.startsWith('@switchboard/')) names.push(name);
  }
  return [...new Set(names)];
}

export async function build() {
  await esbuild.build({
    entryPoints: {
      main: `${root}/apps/server/src/serverMain.ts`,
      cli: `${root}/apps/server/src/cli.ts`,
    },
    outdir: `${root}/apps/server/dist`,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    splitting: true,
    sourcemap: true,
    external: npmDependencies(),
    logLevel: 'warning',
  });
  await buildSdk();
  // The Connect Portal (React), served at /ui/. Vite's JS API with the portal's own config.
  await viteBuild({ configFile: `${root}/apps/portal/vite.config.ts`, logLevel: 'warn' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await build();
