// `switchboard worker` as a child process for tests and benches (bundled with serverProcessMain by
// bundleServerProcess.mjs, spawned by spawnWorkerProcess): the real startWorker() with the configuration
// from the environment, plus extra catalog entries from SWITCHBOARD_TEST_EXTRA_DEFINITIONS (a JSON array
// of IntegrationDefinitionInput; the server must be given the same). When running it prints exactly one
// line to stdout, `{"worker": <lease owner>, "pid": ...}`; SIGTERM, SIGINT or the loss of the parent's
// IPC channel stop it gracefully (exit 0), printing `{"stopping": true}` once it claims nothing more.
// A start-up failure is printed to stderr (exit 1).
import { loadConfig } from '../config';
import { startWorker } from '../startWorker';
import { EXTRA_DEFINITIONS_ENV, extraDefinitionsFromEnv } from './extraDefinitionsFromEnv';

try {
  const worker = await startWorker(loadConfig(process.env), {
    extraDefinitions: extraDefinitionsFromEnv(process.env[EXTRA_DEFINITIONS_ENV]),
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const closed = worker.close();
    process.stdout.write(`${JSON.stringify({ stopping: true })}\n`);
    closed.then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
  process.stdout.write(`${JSON.stringify({ worker: worker.owner, pid: process.pid })}\n`);
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
}
