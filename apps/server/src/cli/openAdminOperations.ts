import { listIntegrationDefinitions } from '@switchboard/catalog';
import { AppError } from '@switchboard/contracts';
import { openDatabase } from '@switchboard/db';
import type { Config } from '../config';
import { createCatalogView } from '../createCatalogView';
import {
  acquireDataDirLock,
  dataDirPaths,
  ensureDataDir,
  readLockHolder,
  readOrCreateAdminKey,
} from '../dataDir';
import { loadKeyring } from '../keys/loadKeyring';
import { type AdminOperations, directAdminOperations, httpAdminOperations } from './adminOperations';

/**
 * PostgreSQL has many writers, so with DATABASE_URL the CLI works on the database directly. The
 * embedded database has one: while a server holds it, the CLI goes through that server's admin API
 * (the URL is in the lock file, the admin key in the data directory); otherwise it opens it itself.
 */
export async function openAdminOperations(config: Config): Promise<AdminOperations> {
  const catalog = createCatalogView(listIntegrationDefinitions());
  if (config.databaseUrl) {
    const database = await openDatabase({ kind: 'postgres', url: config.databaseUrl, maxConnections: 2 });
    return directAdminOperations({
      db: database.db,
      catalog,
      keyring: loadKeyring(config),
      via: 'PostgreSQL (DATABASE_URL)',
      close: database.close,
    });
  }
  const holder = readLockHolder(config.dataDir);
  if (holder?.role === 'server') {
    if (!holder.url) {
      throw new AppError(
        'DATA_DIR_LOCKED',
        409,
        `the server (pid ${holder.pid}) is still starting; try again.`,
      );
    }
    return httpAdminOperations(holder.url, readOrCreateAdminKey(config.dataDir, config.adminKey));
  }
  ensureDataDir(config.dataDir);
  const lock = acquireDataDirLock(config.dataDir, 'cli');
  try {
    const path = dataDirPaths(config.dataDir).pglite;
    const database = await openDatabase({ kind: 'pglite', dataDir: path });
    return directAdminOperations({
      db: database.db,
      catalog,
      keyring: loadKeyring(config),
      via: `embedded database in ${path}`,
      close: async () => {
        await database.close();
        lock.release();
      },
    });
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * A remote server (`switchboard deploy --url … --api-key …`, a project's CI): its admin API with the
 * project's API key, whatever database it runs on.
 */
export function openRemoteAdminOperations(url: string, apiKey: string): AdminOperations {
  return httpAdminOperations(url.replace(/\/+$/, ''), apiKey, { remote: true });
}
