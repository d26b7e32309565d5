#!/usr/bin/env node
// The `switchboard` command. Runs the bundled CLI, building it first on a fresh checkout.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(cli)) {
  const { build } = await import('../../../scripts/build.mjs');
  await build();
}
await import(cli);
