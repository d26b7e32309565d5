import type { ChildProcess } from 'node:child_process';
import type { IntegrationDefinitionInput } from '@switchboard/catalog';
import { spawnBundledChild } from './spawnBundledChild';
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
  const { child, ready, exited, output } = await spawnBundledChild({
    label: 'worker process',
    file: entry.workerFile,
    cwd: entry.dir,
    env: options.env,
    ...(options.extraDefinitions ? { extraDefinitions: options.extraDefinitions } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    readyLine: (line) => {
      if (!line.startsWith('{"worker"')) return undefined;
      const value = JSON.parse(line) as { worker: string; pid: number };
      return { owner: value.worker, pid: value.pid };
    },
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
    output,
  };
}
