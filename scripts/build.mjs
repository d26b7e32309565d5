// Builds everything `npm start` and the tests run: the server and CLI bundles (workspace packages
// inlined, npm dependencies left as imports), the SDK's browser builds and the Connect Portal.
// Takes about a second.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants as zlibConstants } from 'node:zlib';
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

async function precompress(dirs) {
  const files = dirs.flatMap((dir) =>
    readdirSync(dir, { recursive: true })
      .map(String)
      .filter((name) => /\.(js|css|html|svg)$/.test(name))
      .map((name) => join(dir, name)),
  );
  for (const file of files) {
    const data = readFileSync(file);
    writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
    writeFileSync(
      `${file}.br`,
      brotliCompressSync(data, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }),
    );
  }
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
  // Vite's build() sets process.env.NODE_ENV=production in the calling process; restore it so a caller
  // that builds and then starts a server (the bench scripts) does not start it in production mode.
  const nodeEnv = process.env.NODE_ENV;
  try {
    await viteBuild({ configFile: `${root}/apps/portal/vite.config.ts`, logLevel: 'warn' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  // Browsers download these: ship them pre-compressed (served by @fastify/static's preCompressed).
  await precompress([`${root}/packages/sdk/dist`, `${root}/apps/portal/dist`]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await build();
