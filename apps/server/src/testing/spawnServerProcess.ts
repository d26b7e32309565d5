import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { IntegrationDefinitionInput } from '@switchboard/catalog';
import { bundleServerProcess } from './bundleServerProcess.mjs';
import { spawnBundledChild } from './spawnBundledChild';

export interface ServerProcess {
  /** Where the child listens, e.g. `http://127.0.0.1:41234`. */
  url: string;
  pid: number;
  child: ChildProcess;
  /** SIGTERM (the server closes gracefully), SIGKILL after 10 s; resolves when the child has exited. */
  stop(): Promise<void>;
  /** Sends a signal without waiting (default SIGKILL: a crash, for tests of what survives one). */
  kill(signal?: NodeJS.Signals): void;
  /** The last few KB the child wrote to stdout and stderr (its logs), for failure messages. */
  output(): string;
}

const STOP_GRACE_MS = 10_000;

/**
 * Runs the real server (startServer with the config from `env`) as a child process, with
 * `extraDefinitions` appended to the catalog. The child gets only `env` and PATH from this process:
 * give it what it needs, at least SWITCHBOARD_DATA_DIR (a temp dir) and PORT=0; usually also
 * SWITCHBOARD_ADMIN_KEY, SWITCHBOARD_ENCRYPTION_KEY (the same for processes sharing one DATABASE_URL),
 * LOG_LEVEL and SWITCHBOARD_DEVELOPMENT=0. Resolves once the server listens; rejects with the child's
 * output when it exits or does not listen within `timeoutMs`.
 */
export async function spawnServerProcess(options: {
  env: Record<string, string>;
  extraDefinitions?: IntegrationDefinitionInput[];
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const entry = await serverProcessBundle();
  const { child, ready, exited, output } = await spawnBundledChild({
    label: 'server process',
    file: entry.file,
    cwd: entry.dir,
    env: options.env,
    ...(options.extraDefinitions ? { extraDefinitions: options.extraDefinitions } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    readyLine,
  });

  return {
    url: ready.url,
    pid: ready.pid,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
    kill(signal: NodeJS.Signals = 'SIGKILL') {
      child.kill(signal);
    },
    output,
  };
}

/** The `{"url", "pid"}` line serverProcessMain prints when listening (pino's lines start `{"level"`). */
function readyLine(line: string): { url: string; pid: number } | undefined {
  if (!line.startsWith('{"url"')) return undefined;
  try {
    const value = JSON.parse(line) as { url?: unknown; pid?: unknown };
    if (typeof value.url === 'string' && typeof value.pid === 'number')
      return { url: value.url, pid: value.pid };
  } catch {
    // not ours
  }
  return undefined;
}

// Bundled once per test process (each spawn reuses it). Workspace packages are inlined from their
// TypeScript sources, npm packages stay imports — as scripts/build.mjs bundles the server — so the
// bundle lives under the repository's node_modules/.cache, where Node resolves those imports.
let bundle: Promise<{ dir: string; file: string; workerFile: string }> | undefined;

/** The bundle of this test process (spawnWorkerProcess runs its `workerFile`). */
export function serverProcessBundle(): Promise<{ dir: string; file: string; workerFile: string }> {
  bundle ??= bundleServerProcess()
    .then((built) => {
      process.once('exit', () => rmSync(built.dir, { recursive: true, force: true }));
      return built;
    })
    .catch((error: unknown) => {
      bundle = undefined;
      throw error;
    });
  return bundle;
}
