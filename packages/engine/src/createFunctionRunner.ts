import { Worker } from 'node:worker_threads';
import { functionWorkerSource } from './functionWorkerSource';

/**
 * Why a function step failed: its code does not compile, it threw, ran too long, ran out of memory,
 * returned something that is not JSON (or too much), returned a promise that can never settle, or
 * the worker itself failed.
 */
export type FunctionErrorKind =
  | 'syntax'
  | 'threw'
  | 'timeout'
  | 'memory'
  | 'output'
  | 'unsettled'
  | 'crashed';

export type RunFunctionRequest = { code: string; input: unknown };
export type RunFunctionResult =
  | { ok: true; output: unknown; logs: string[] }
  | { ok: false; error: { kind: FunctionErrorKind; message: string }; logs: string[] };
/** Runs a function step's code on its input. Injected into runStep(); see createFunctionRunner(). */
export type RunFunction = (request: RunFunctionRequest) => Promise<RunFunctionResult>;

export type FunctionRunnerOptions = {
  /** Wall-clock limit per run, worker start-up included. Default 10 s. */
  timeoutMs?: number;
  /** V8 old-generation heap limit of the worker. Default 64 MB. */
  maxMemoryMb?: number;
  /** Largest returned value, as JSON. Default 1 MB (it is persisted with the execution). */
  maxOutputBytes?: number;
};

type WorkerMessage =
  | { ok: true; outputJson: string | undefined; logs: string[] }
  | { ok: false; kind: FunctionErrorKind; message: string; logs: string[] };

/**
 * A RunFunction that runs each call in a fresh worker thread with its own heap limit, an empty
 * environment (`env: {}`: the code cannot see the server's secrets) and a wall-clock timeout after which
 * the worker is terminated (so infinite loops, sync or async, end). Input and output cross as JSON.
 * A worker per call costs tens of milliseconds; a pool is a later optimisation.
 */
export function createFunctionRunner(options: FunctionRunnerOptions = {}): RunFunction {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxMemoryMb = options.maxMemoryMb ?? 64;
  const maxOutputBytes = options.maxOutputBytes ?? 1024 * 1024;

  return (request) =>
    new Promise<RunFunctionResult>((resolve) => {
      let inputJson: string | undefined;
      try {
        inputJson = JSON.stringify(request.input);
      } catch (error) {
        resolve({
          ok: false,
          error: { kind: 'crashed', message: `the input is not JSON: ${String(error)}` },
          logs: [],
        });
        return;
      }
      const worker = new Worker(functionWorkerSource, {
        eval: true,
        workerData: { code: request.code, inputJson, maxOutputBytes },
        env: {},
        argv: [],
        execArgv: [],
        stdout: true,
        stderr: true,
        resourceLimits: {
          maxOldGenerationSizeMb: maxMemoryMb,
          maxYoungGenerationSizeMb: Math.max(4, Math.min(32, Math.floor(maxMemoryMb / 4))),
          codeRangeSizeMb: 16,
          stackSizeMb: 4,
        },
      });
      let settled = false;
      const finish = (result: RunFunctionResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void worker.terminate();
        resolve(result);
      };
      const timer = setTimeout(() => {
        finish({
          ok: false,
          error: {
            kind: 'timeout',
            message: `the function did not finish within ${timeoutMs} ms and was stopped (an endless loop, or too much work for one step)`,
          },
          logs: [],
        });
      }, timeoutMs);
      worker.once('message', (message: WorkerMessage) => {
        if (message.ok) {
          const output = message.outputJson === undefined ? undefined : JSON.parse(message.outputJson);
          finish({ ok: true, output, logs: message.logs });
        } else {
          finish({ ok: false, error: { kind: message.kind, message: message.message }, logs: message.logs });
        }
      });
      worker.once('error', (error: Error & { code?: string }) => {
        finish(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? {
                ok: false,
                error: {
                  kind: 'memory',
                  message: `the function used more than its ${maxMemoryMb} MB of memory and was stopped`,
                },
                logs: [],
              }
            : {
                ok: false,
                error: { kind: 'crashed', message: `the function's worker failed: ${error.message}` },
                logs: [],
              },
        );
      });
      worker.once('exit', (code) => {
        // Exit 0 without an answer: the event loop ran dry while the code's promise was still pending.
        finish(
          code === 0
            ? {
                ok: false,
                error: {
                  kind: 'unsettled',
                  message:
                    'the function returned a promise that never settles (nothing was left to wait for)',
                },
                logs: [],
              }
            : {
                ok: false,
                error: { kind: 'crashed', message: `the function's worker exited (code ${code})` },
                logs: [],
              },
        );
      });
    });
}
