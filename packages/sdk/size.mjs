// Prints the size of the SDK as a page downloads it (the minified script-tag build), beside the
// official @useparagon/connect 2.4.0 bundle. Builds in memory; writes nothing.
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { assertOnlyOwnSources, esmBuildOptions, globalBuildOptions } from './build.mjs';

const official = { minified: 194 * 1024, gzipped: 53 * 1024 };

async function measure(options) {
  const result = await esbuild.build({ ...options, write: false });
  assertOnlyOwnSources(result.metafile);
  const [file] = result.outputFiles;
  return { minified: file.contents.byteLength, gzipped: gzipSync(file.contents, { level: 9 }).byteLength };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const rows = [
  ['switchboard.global.js (IIFE)', await measure(globalBuildOptions())],
  ['index.js (ESM)', await measure(esmBuildOptions({ minify: true }))],
  ['@useparagon/connect 2.4.0', official],
];

console.log(`${'bundle'.padEnd(30)}${'minified'.padStart(20)}${'gzipped'.padStart(20)}`);
for (const [name, size] of rows) {
  const cell = (bytes) => `${bytes} B (${kb(bytes)})`.padStart(20);
  console.log(`${name.padEnd(30)}${cell(size.minified)}${cell(size.gzipped)}`);
}
const ours = rows[0][1];
console.log(
  `script-tag build is ${((ours.minified / official.minified) * 100).toFixed(1)}% of the official minified size, ` +
    `${((ours.gzipped / official.gzipped) * 100).toFixed(1)}% gzipped`,
);
