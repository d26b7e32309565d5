import { type ChildProcess, spawn } from 'node:child_process';
import type { IntegrationDefinitionInput } from '@switchboard/catalog';

const OUTPUT_TAIL_CHARS = 8_000;

export interface BundledChild<R> {
  child: ChildProcess;
  /** What `readyLine` recognised on stdout. */
  ready: R;
  /** Resolves when the child has exited (however). */
  exited: Promise<void>;
  /** The last few KB the child wrote to stdout and stderr, for failure messages. */
  output(): string;
}

/**
 * Runs `node <file>` (one of the test bundles: serverProcessMain or workerProcessMain) with only PATH,
 * `env` and the extra catalog entries in its environment, and resolves once a stdout line is
 * recognised by `readyLine`; rejects with the child's output when it exits first or is not ready
 * within `timeoutMs` (it is then killed). The child is killed when this process exits, and an IPC
 * channel is its lifeline: it stops when the channel closes.
 */
export async function spawnBundledChild<R>(options: {
  label: string;
  file: string;
  cwd: string;
  env: Record<string, string>;
  extraDefinitions?: IntegrationDefinitionInput[];
  timeoutMs?: number;
  readyLine(line: string): R | undefined;
}): Promise<BundledChild<R>> {
  const child = spawn(process.execPath, ['--enable-source-maps', options.file], {
    // A relative SWITCHBOARD_DATA_DIR never lands in the repository.
    cwd: options.cwd,
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

  const ready = await new Promise<R>((resolve, reject) => {
    let pending = '';
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`${options.label} ${reason}; its output:\n${output}`));
    };
    const timer = setTimeout(() => {
      fail(`was not ready within ${timeoutMs} ms`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`}) before it was ready`));
    child.once('error', (error) => fail(`could not be spawned (${error.message})`));
    child.stdout?.on('data', (chunk: Buffer) => {
      record(chunk);
      if (settled) return;
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const recognised = options.readyLine(line);
        if (recognised === undefined) continue;
        settled = true;
        clearTimeout(timer);
        resolve(recognised);
        return;
      }
    });
  });
  return { child, ready, exited, output: () => output };
}
