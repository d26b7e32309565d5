import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase } from '@switchboard/db/testing';
import { runCli } from '../cli/runCli';

export type Cleanup = () => Promise<void> | void;

/**
 * The environment of a fresh install: a temp data dir, and a scratch database on the PostgreSQL in
 * DATABASE_URL when set (the PG pass). What it creates is removed by the `cleanups` the test runs.
 */
export async function freshInstallEnv(
  cleanups: Cleanup[],
  extra: NodeJS.ProcessEnv = {},
): Promise<NodeJS.ProcessEnv> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-test-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = { SWITCHBOARD_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', ...extra };
  if (process.env.DATABASE_URL) {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL);
    cleanups.push(scratch.drop);
    env.DATABASE_URL = scratch.url;
  }
  return env;
}

/** Runs one CLI command in this process; answers its exit code and what it printed. */
export async function runCliCaptured(env: NodeJS.ProcessEnv, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { env, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
