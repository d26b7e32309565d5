import { loadConfig } from './config';
import { startWorker } from './startWorker';

/**
 * `switchboard worker`: runs a worker process (startWorker) until SIGINT/SIGTERM, then stops claiming,
 * lets running executions reach their next step boundary (releasing their leases) and resolves with the
 * exit code. A second signal exits at once (the leases then lapse after SWITCHBOARD_WORKER_LEASE_SECONDS).
 * Bad configuration throws ConfigError (runCli prints it as one line, exit 1).
 */
export async function workerMain(io: {
  env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
}): Promise<number> {
  const worker = await startWorker(loadConfig(io.env));
  io.out(
    `switchboard worker ${worker.owner} is running (${worker.concurrency} executions at once); Ctrl-C or SIGTERM to stop`,
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  io.out(`switchboard worker: ${signal}, finishing running steps (again to exit now)`);
  const again = () => process.exit(130);
  process.once('SIGINT', again);
  process.once('SIGTERM', again);
  await worker.close();
  process.off('SIGINT', again);
  process.off('SIGTERM', again);
  return 0;
}
