// Builds the SDK for browsers and Node:
//   dist/index.js             ESM, platform neutral (bundlers, <script type="module">, Node 20)
//   dist/switchboard.global.js IIFE for a <script> tag; sets window.paragon and window.switchboard
// Run directly (`node packages/sdk/build.mjs`) it builds and prints nothing but errors.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const packageDir = path.dirname(fileURLToPath(import.meta.url));
const srcDir = path.join(packageDir, 'src');
export const distDir = path.join(packageDir, 'dist');

const common = {
  bundle: true,
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'error',
  metafile: true,
};

/** esbuild options of the ESM build. */
export function esmBuildOptions({ minify = true } = {}) {
  return {
    ...common,
    entryPoints: [path.join(srcDir, 'index.ts')],
    outfile: path.join(distDir, 'index.js'),
    format: 'esm',
    platform: 'neutral',
    minify,
  };
}

/** esbuild options of the script-tag build (always minified: it is what pages download). */
export function globalBuildOptions() {
  return {
    ...common,
    entryPoints: [path.join(srcDir, 'browserGlobal.ts')],
    outfile: path.join(distDir, 'switchboard.global.js'),
    format: 'iife',
    platform: 'browser',
    minify: true,
  };
}

/**
 * The SDK must stay dependency-free at runtime (types come from @switchboard/contracts, but zod must
 * never reach the browser): fail the build if anything outside src/ was bundled.
 */
export function assertOnlyOwnSources(metafile) {
  const foreign = Object.keys(metafile.inputs).filter((input) => !path.resolve(input).startsWith(srcDir));
  if (foreign.length > 0)
    throw new Error(`SDK bundle pulled in files outside ${srcDir}: ${foreign.join(', ')}`);
}

export async function buildSdk({ minify = true } = {}) {
  const results = await Promise.all([
    esbuild.build(esmBuildOptions({ minify })),
    esbuild.build(globalBuildOptions()),
  ]);
  for (const result of results) assertOnlyOwnSources(result.metafile);
  return {
    esm: path.join(distDir, 'index.js'),
    global: path.join(distDir, 'switchboard.global.js'),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  buildSdk().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
