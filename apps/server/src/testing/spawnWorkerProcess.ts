import { type ChildProcess, spawn } from 'node:child_process';
import type { IntegrationDefinitionInput } from '@switchboard/catalog';
import { serverProcessBundle } from './spawnServerProcess';

export interface WorkerProcess {
  /** The worker's lease owner id (`executions.lease_owner` while it runs one). */
  owner: string;
  pid: number;
  child: ChildProcess;
  /** SIGTERM (running steps finish, leases are released), SIGKILL after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<void>;
  /** Sends a signal (default SIGKILL: a crash) and resolves when the child has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Resolves when the child has exited (however). */
  exited: Promise<void>;
  /** The last few KB the child wrote to stdout and stderr, for failure messages. */
  output(): string;
}

const OUTPUT_TAIL_CHARS = 8_000;

/**
 * Runs `switchboard worker` (startWorker with the config from `env`) as a child process, with
 * `extraDefinitions` appended to the catalog (give the server the same ones). The child gets only
 * `env` and PATH: at least DATABASE_URL and the server's SWITCHBOARD_ENCRYPTION_KEY, usually also
 * SWITCHBOARD_WORKER_LEASE_SECONDS, LOG_LEVEL and SWITCHBOARD_DEVELOPMENT=0. Resolves once it runs;
 * rejects with the child's output when it exits first or does not start within `timeoutMs`.
 */
export async function spawnWorkerProcess(options: {
  env: Record<string, string>;
  extraDefinitions?: IntegrationDefinitionInput[];
  timeoutMs?: number;
}): Promise<WorkerProcess> {
  const entry = await serverProcessBundle();
  const child = spawn(process.execPath, ['--enable-source-maps', entry.workerFile], {
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

  const ready = await new Promise<{ owner: string; pid: number }>((resolve, reject) => {
    let pending = '';
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`worker process ${reason}; its output:\n${output}`));
    };
    const timer = setTimeout(() => {
      fail(`did not start within ${timeoutMs} ms`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`}) before running`));
    child.once('error', (error) => fail(`could not be spawned (${error.message})`));
    child.stdout?.on('data', (chunk: Buffer) => {
      record(chunk);
      if (settled) return;
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{"worker"')) continue;
        const value = JSON.parse(line) as { worker: string; pid: number };
        settled = true;
        clearTimeout(timer);
        resolve({ owner: value.worker, pid: value.pid });
        return;
      }
    });
  });

  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    owner: ready.owner,
    pid: ready.pid,
    child,
    async stop(graceMs = 10_000) {
      if (gone()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (gone()) return;
      child.kill(signal);
      await exited;
    },
    exited,
    output: () => output,
  };
}
