// `npm run bench`: every benchmark in sequence, each in its own process (each cleans up after itself).
// Prints figures; exits non-zero only if a script itself failed to run, never because of a figure.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const scripts = ['sdk-me.mjs', 'proxy.mjs', 'cold-start.mjs', 'portal.mjs', 'workflows.mjs'];
let current;
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    stopping = true;
    current?.kill(signal);
  });
}

let failed = 0;
for (const script of scripts) {
  if (stopping) break;
  console.log(`\n=== bench/${script} ===`);
  current = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url))], { stdio: 'inherit' });
  const code = await new Promise((resolve) => current.once('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
  if (code !== 0) {
    failed++;
    console.error(`bench/${script} exited with ${code}`);
  }
}
process.exitCode = failed ? 1 : 0;
