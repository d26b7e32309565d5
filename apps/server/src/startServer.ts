import type { IntegrationDefinition } from '@switchboard/catalog';
import { openDatabase } from '@switchboard/db';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from './buildApp';
import { catalogDefinitions } from './catalogDefinitions';
import { closeGracefully } from './closeGracefully';
import type { Config } from './config';
import { createCatalogView } from './createCatalogView';
import {
  acquireDataDirLock,
  type DataDirLock,
  dataDirPaths,
  ensureDataDir,
  readOrCreateAdminKey,
} from './dataDir';
import { type DevelopmentProject, ensureDevelopmentProject } from './developmentProject';
import { loadKeyring } from './keys/loadKeyring';
import { assetPaths, findRepoRoot } from './repoPaths';
import { readVersion } from './version';
import { startExecutionRetention } from './workflows/executionRetention';

export interface RunningServer {
  app: FastifyInstance;
  /** The URL it listens on (with the real port when PORT=0). */
  url: string;
  version: string;
  database: string;
  adminKeyPath: string | undefined;
  developmentProject: DevelopmentProject | undefined;
  close(): Promise<void>;
}

/** Logs never carry secrets: tokens, keys and Authorization headers are redacted wherever they appear. */
export const redactPaths = [
  'req.headers.authorization',
  'headers.authorization',
  '*.token',
  '*.apiKey',
  '*.signingKey',
  '*.clientSecret',
  '*.privateKeyPem',
];

export interface StartServerOptions {
  /** Catalog entries appended to the built-in ones, in any mode (tests and benches: a local provider). */
  extraDefinitions?: IntegrationDefinition[];
}

/** Opens the database, builds the app and listens. Everything the process needs comes from `config`. */
export async function startServer(config: Config, options: StartServerOptions = {}): Promise<RunningServer> {
  const logger = pino({ level: config.logLevel, redact: redactPaths });
  ensureDataDir(config.dataDir);
  const paths = dataDirPaths(config.dataDir);
  let lock: DataDirLock | undefined;
  if (!config.databaseUrl) lock = acquireDataDirLock(config.dataDir, 'server');
  try {
    const database = await openDatabase(
      config.databaseUrl
        ? { kind: 'postgres', url: config.databaseUrl }
        : { kind: 'pglite', dataDir: paths.pglite },
    );
    const definitions = catalogDefinitions(config.development, options.extraDefinitions);
    const catalog = createCatalogView(definitions);
    const adminKey = readOrCreateAdminKey(config.dataDir, config.adminKey);
    const keyring = loadKeyring(config);
    const developmentProject = config.development
      ? await ensureDevelopmentProject({ db: database.db, catalog, keyring, dataDir: config.dataDir })
      : undefined;
    const root = findRepoRoot();
    const version = readVersion(root);
    const app = await buildApp({
      db: database.db,
      catalog,
      definitionOf: (type) => definitions.find((d) => d.type === type),
      logger,
      adminKey,
      keyring,
      publicUrl: config.publicUrl,
      paths: assetPaths(root),
      demo:
        developmentProject?.privateKeyPem !== undefined
          ? { projectId: developmentProject.projectId, privateKeyPem: developmentProject.privateKeyPem }
          : undefined,
      development: config.development,
      version,
      refreshSweepMs: config.refreshSweepSeconds * 1000,
      workflows: {
        worker: config.worker,
        scheduler: config.scheduler,
        requestWaitMs: config.requestTriggerWaitSeconds * 1000,
        concurrency: config.workerConcurrency,
        leaseMs: config.workerLeaseSeconds * 1000,
        pollMs: config.workerPollMs,
        // PostgreSQL: woken by NOTIFY when other processes queue work. Embedded: this process owns the
        // data directory, so leases found at start belong to a dead process (kill -9): release them.
        ...(config.databaseUrl ? { listenUrl: config.databaseUrl } : { releaseLeasesAtStart: true }),
      },
      webhooks: { enabled: config.webhooks },
    });
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = config.listenUrl.replace(/:\d+$/, `:${port}`);
    lock?.setUrl(url);
    // Task history retention: at start, then hourly (SWITCHBOARD_EXECUTION_RETENTION_DAYS; 0: off).
    const retention = startExecutionRetention({
      db: database.db,
      logger,
      retentionDays: config.executionRetentionDays,
    });
    let closed = false;
    return {
      app,
      url,
      version,
      database: config.databaseUrl
        ? 'PostgreSQL (DATABASE_URL)'
        : `embedded PostgreSQL (PGlite) in ${paths.pglite}`,
      adminKeyPath: config.adminKey ? undefined : paths.adminKey,
      developmentProject,
      async close() {
        if (closed) return;
        closed = true;
        await retention.stop();
        await closeGracefully(app);
        await database.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}
