import { existsSync } from 'node:fs';
import type { IntegrationDefinition } from '@switchboard/catalog';
import { openDatabase } from '@switchboard/db';
import pino from 'pino';
import { catalogDefinitions } from './catalogDefinitions';
import { type Config, ConfigError } from './config';
import { createCatalogView } from './createCatalogView';
import { startRefreshSweep } from './credentials/refreshSweep';
import { dataDirPaths } from './dataDir';
import { loadKeyring } from './keys/loadKeyring';
import { startWebhookDelivery } from './monitoring/webhookDelivery';
import { createProxyCore } from './proxy/createProxyCore';
import { redactPaths } from './startServer';
import { createGuardedFetch } from './workflows/createGuardedFetch';
import { createWorkflowRuntime } from './workflows/createWorkflowRuntime';

export interface RunningWorker {
  /** The worker's lease owner id (host:pid:random). */
  owner: string;
  concurrency: number;
  /** Stops claiming, lets running executions reach their next step boundary (their leases are released), closes. */
  close(): Promise<void>;
}

export interface StartWorkerOptions {
  /** Catalog entries appended to the built-in ones (tests: a local provider; the server must have them too). */
  extraDefinitions?: IntegrationDefinition[];
}

/**
 * `switchboard worker`: a process without an HTTP listener that runs workflow executions against the
 * shared PostgreSQL (DATABASE_URL): the leased worker woken by LISTEN/NOTIFY, and — each unless turned
 * off by the same flag as on the server — the scheduler (SWITCHBOARD_SCHEDULER), the token refresh
 * sweep (SWITCHBOARD_REFRESH_SWEEP_SECONDS) and the monitoring webhook delivery loop
 * (SWITCHBOARD_WEBHOOKS). Each of those is safe with any number of processes. SWITCHBOARD_WORKER is the
 * server's switch and is ignored here: this process exists to run executions.
 */
export async function startWorker(config: Config, options: StartWorkerOptions = {}): Promise<RunningWorker> {
  if (!config.databaseUrl) {
    throw new ConfigError(
      `a separate worker needs DATABASE_URL: the embedded database in ${config.dataDir} belongs to the one server process, which already runs the worker; set DATABASE_URL to a PostgreSQL database (the server's) to run separate workers`,
    );
  }
  // Secrets are sealed by the server's key: a worker with another key could open none of them.
  if (!config.encryptionKey && !existsSync(dataDirPaths(config.dataDir).encryptionKeys)) {
    throw new ConfigError(
      `a worker needs the server's encryption key: set SWITCHBOARD_ENCRYPTION_KEY (and SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS) as for the server, or point SWITCHBOARD_DATA_DIR at the server's data directory (no key file in ${config.dataDir})`,
    );
  }
  const logger = pino({ level: config.logLevel, redact: redactPaths });
  const keyring = loadKeyring(config);
  const database = await openDatabase({
    kind: 'postgres',
    url: config.databaseUrl,
    // Each running execution saves and renews its lease; leave room for the scheduler and sweeps.
    maxConnections: Math.max(10, config.workerConcurrency + 4),
  }).catch((error: unknown) => {
    // Unreachable, refused or failed migrations: one line, as for bad configuration.
    const reason = error instanceof Error ? error.message || error.name : String(error);
    throw new ConfigError(`could not open the database at DATABASE_URL (${reason})`);
  });
  const { db } = database;
  const definitions = catalogDefinitions(config.development, options.extraDefinitions);
  const definitionOf = (type: string) => definitions.find((d) => d.type === type);
  // Local catalog entries' templates name the server's origin; without a listener, this is the
  // server's public URL, or where a server with this configuration listens.
  const origin = config.publicUrl ?? config.listenUrl;
  const proxyCore = createProxyCore({
    db,
    catalog: createCatalogView(definitions),
    keyring,
    definitionOf,
    logger,
  });
  const runtime = createWorkflowRuntime({
    db,
    logger,
    proxyCall: proxyCore.call,
    // Plain HTTP `request` steps: refused on private addresses outside development mode (as the server).
    fetch: createGuardedFetch({
      dispatchers: proxyCore.dispatchers,
      allowPrivateAddresses: config.development,
    }),
    origin,
    worker: {
      concurrency: config.workerConcurrency,
      leaseMs: config.workerLeaseSeconds * 1000,
      pollMs: config.workerPollMs,
    },
    scheduler: config.scheduler ? {} : false,
    listenUrl: config.databaseUrl,
  });
  const stopSweep =
    config.refreshSweepSeconds > 0
      ? startRefreshSweep({
          db,
          tokens: proxyCore.tokens,
          definitionOf,
          logger,
          origin,
          intervalMs: config.refreshSweepSeconds * 1000,
        })
      : undefined;
  const webhooks = config.webhooks
    ? startWebhookDelivery({ db, keyring, logger, development: config.development, options: {} })
    : undefined;
  try {
    await runtime.start();
  } catch (error) {
    await stopSweep?.();
    await webhooks?.stop();
    await runtime.stop();
    await proxyCore.dispatchers.close();
    await database.close();
    throw error;
  }
  const owner = runtime.worker?.owner ?? '';
  logger.info({ owner, concurrency: config.workerConcurrency }, 'worker started');
  let closing: Promise<void> | undefined;
  return {
    owner,
    concurrency: config.workerConcurrency,
    close() {
      closing ??= (async () => {
        // Called first: no execution is claimed once close() was called.
        const workflowsStopped = runtime.stop();
        await stopSweep?.();
        await webhooks?.stop();
        await workflowsStopped;
        await proxyCore.dispatchers.close();
        await database.close();
      })();
      return closing;
    },
  };
}
