import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { IntegrationDefinitionInput } from '@switchboard/catalog';
import { bundleServerProcess } from './bundleServerProcess.mjs';

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

const OUTPUT_TAIL_CHARS = 8_000;
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
  const child = spawn(process.execPath, ['--enable-source-maps', entry.file], {
    // A relative SWITCHBOARD_DATA_DIR never lands in the repository.
    cwd: entry.dir,
    env: {
      PATH: process.env.PATH ?? '',
      ...options.env,
      SWITCHBOARD_TEST_EXTRA_DEFINITIONS: JSON.stringify(options.extraDefinitions ?? []),
    },
    // The IPC channel is only a lifeline: when this process dies, the child sees 'disconnect' and stops.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.channel?.unref();
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      process.off('exit', killOnExit);
      resolve();
    });
  });

  let output = '';
  const record = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stderr?.on('data', record);
  const timeoutMs = options.timeoutMs ?? 60_000;

  const ready = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
    let pending = '';
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`server process ${reason}; its output:\n${output}`));
    };
    const timer = setTimeout(() => {
      fail(`did not listen within ${timeoutMs} ms`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`}) before listening`));
    child.once('error', (error) => fail(`could not be spawned (${error.message})`));
    child.stdout?.on('data', (chunk: Buffer) => {
      record(chunk);
      if (settled) return;
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const announced = readyLine(line);
        if (!announced) continue;
        settled = true;
        clearTimeout(timer);
        resolve(announced);
        return;
      }
    });
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
    output: () => output,
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
