import { chmodSync, existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '@switchboard/contracts';
import { generateAdminKey } from './keys/apiKey';

/** Files Switchboard keeps in its data directory. */
export function dataDirPaths(dataDir: string) {
  return {
    pglite: join(dataDir, 'pgdata'),
    lock: join(dataDir, 'switchboard.lock'),
    adminKey: join(dataDir, 'admin-key'),
    encryptionKeys: join(dataDir, 'encryption-keys.json'),
    developmentSigningKey: join(dataDir, 'development-signing-key.pem'),
    developmentApiKey: join(dataDir, 'development-api-key'),
  };
}

export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
}

/** Writes a secret readable only by the owner. */
export function writeSecretFile(path: string, contents: string): void {
  writeFileSync(path, contents, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** The instance admin key: from the environment, else from the data directory (generated once). */
export function readOrCreateAdminKey(dataDir: string, fromEnv: string | undefined): string {
  if (fromEnv) return fromEnv;
  const path = dataDirPaths(dataDir).adminKey;
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const key = generateAdminKey();
  writeSecretFile(path, `${key}\n`);
  return key;
}

export interface LockHolder {
  pid: number;
  role: 'server' | 'cli';
  /** Where the server holding the lock answers (absent while it starts, and for the CLI). */
  url?: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live holder of the embedded database's lock, if any (a lock left by a dead process is ignored). */
export function readLockHolder(dataDir: string): LockHolder | undefined {
  const path = dataDirPaths(dataDir).lock;
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return isAlive(holder.pid) ? holder : undefined;
  } catch {
    return undefined;
  }
}

export interface DataDirLock {
  /** Records where the holding server answers, for the CLI. */
  setUrl(url: string): void;
  release(): void;
}

/**
 * The embedded database has one writer: whoever opens it holds this lock file. A second server is
 * refused; the CLI reads the lock to reach the running server's admin API instead.
 */
export function acquireDataDirLock(dataDir: string, role: LockHolder['role']): DataDirLock {
  const path = dataDirPaths(dataDir).lock;
  const holder: LockHolder = { pid: process.pid, role };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(holder), { flag: 'wx', mode: 0o600 });
      return {
        setUrl(url) {
          holder.url = url;
          writeFileSync(path, JSON.stringify(holder), { mode: 0o600 });
        },
        release() {
          try {
            if (readLockHolder(dataDir)?.pid === process.pid) unlinkSync(path);
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const current = readLockHolder(dataDir);
      if (current) {
        throw new AppError(
          'DATA_DIR_LOCKED',
          409,
          `the embedded database in ${dataDir} is in use by ${current.role === 'server' ? 'a Switchboard server' : 'a switchboard command'} (pid ${current.pid}${current.url ? `, ${current.url}` : ''}); stop it, or use another SWITCHBOARD_DATA_DIR.`,
        );
      }
      unlinkSync(path); // stale: its process is gone
    }
  }
  throw new AppError(
    'DATA_DIR_LOCKED',
    409,
    `could not lock ${dataDir}; remove ${path} if no Switchboard runs.`,
  );
}
