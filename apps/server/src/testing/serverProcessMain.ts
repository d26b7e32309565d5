// The server as a child process for tests and benches (bundled and spawned by spawnServerProcess and
// bench/proxy.mjs): the real startServer() with the configuration from the environment, plus extra
// catalog entries from SWITCHBOARD_TEST_EXTRA_DEFINITIONS (a JSON array of IntegrationDefinitionInput).
// When listening it prints exactly one line to stdout, `{"url": ..., "pid": ...}`; SIGTERM, SIGINT or
// the loss of the parent's IPC channel (when spawned with one) shut it down gracefully (exit 0).
// A start-up failure is printed to stderr (exit 1).
import { loadConfig } from '../config';
import { startServer } from '../startServer';
import { EXTRA_DEFINITIONS_ENV, extraDefinitionsFromEnv } from './extraDefinitionsFromEnv';

try {
  const server = await startServer(loadConfig(process.env), {
    extraDefinitions: extraDefinitionsFromEnv(process.env[EXTRA_DEFINITIONS_ENV]),
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Spawned with an IPC channel (spawnServerProcess): the parent is gone, so nobody will stop us.
  process.once('disconnect', stop);
  process.stdout.write(`${JSON.stringify({ url: server.url, pid: process.pid })}\n`);
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
}
