import { type Stats, statSync } from 'node:fs';
import { createKeyring, type Keyring } from '@switchboard/vault';
import { readKeyFile } from './keyFile';

/** A keyring backed by a key file this instance may add keys to (file mode). */
export interface FileKeyring extends Keyring {
  readonly keyFile: string;
  /** Re-reads the key file now (this process just changed it). Throws when it cannot be read. */
  reload(): void;
}

export function isFileKeyring(keyring: Keyring): keyring is FileKeyring {
  return 'keyFile' in keyring && typeof (keyring as FileKeyring).reload === 'function';
}

interface Loaded {
  version: string;
  ids: ReadonlySet<string>;
  keyring: Keyring;
}

/**
 * The keys in `keyFile`, following rotations done by other processes (the CLI, another server on the
 * same data directory) without a restart:
 * - `open` of a value under a key id it does not know re-reads the file once and tries again;
 * - `seal` first checks whether the file changed (a stat, at most once per `recheckMs`) and reloads,
 *   so within about a second of a rotation every process seals new values with the new key.
 * A file that cannot be read during those checks is ignored (the keys already loaded keep working):
 * a half-edited file must not stop the server from writing.
 */
export function createFileKeyring(
  keyFile: string,
  options: { recheckMs?: number; now?: () => number } = {},
): FileKeyring {
  const recheckMs = options.recheckMs ?? 1_000;
  const now = options.now ?? Date.now;
  let loaded = load();
  let checkedAt = now();

  function load(): Loaded {
    // Stat before reading: a file replaced in between is seen as changed again at the next check,
    // never the reverse (new version recorded, old keys kept).
    const version = versionOf(statSync(keyFile));
    const file = readKeyFile(keyFile);
    return {
      version,
      ids: new Set(Object.keys(file.keys)),
      keyring: createKeyring({
        keys: Object.entries(file.keys).map(([id, key]) => ({ id, key: Buffer.from(key, 'base64') })),
        currentKeyId: file.currentKeyId,
      }),
    };
  }

  function tryReload(): void {
    try {
      loaded = load();
    } catch {
      // keep the keys we have (see above)
    }
  }

  return {
    keyFile,
    get currentKeyId() {
      return loaded.keyring.currentKeyId;
    },
    seal(plaintext) {
      if (now() - checkedAt >= recheckMs) {
        checkedAt = now();
        try {
          if (versionOf(statSync(keyFile)) !== loaded.version) tryReload();
        } catch {
          // the file is missing: keep sealing with the current key
        }
      }
      return loaded.keyring.seal(plaintext);
    },
    open(sealed) {
      const keyId = sealed.split('.')[1];
      if (keyId !== undefined && !loaded.ids.has(keyId)) {
        tryReload();
        checkedAt = now();
      }
      return loaded.keyring.open(sealed);
    },
    reload() {
      loaded = load();
      checkedAt = now();
    },
  };
}

/** Renames give a new inode, so a replaced file is noticed even within the mtime's resolution. */
function versionOf(stat: Stats): string {
  return `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
}
