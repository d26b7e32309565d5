import { createHash } from 'node:crypto';
import { createKeyring, type Keyring, type KeyringKey } from '@switchboard/vault';
import type { Config } from '../config';
import { dataDirPaths } from '../dataDir';
import { createFileKeyring } from './fileKeyring';
import { createKeyFileIfMissing } from './keyFile';

/**
 * The keyring that seals every secret at rest.
 * - Env mode (SWITCHBOARD_ENCRYPTION_KEY): that key is current; SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS
 *   only open values sealed before the operator switched keys. Key ids are derived from the key
 *   material, so every process agrees on them without sharing anything else.
 * - File mode (development): keys generated into `<data dir>/encryption-keys.json`; `switchboard keys
 *   rotate` adds keys there, and the keyring follows such changes without a restart (fileKeyring.ts).
 */
export function loadKeyring(
  config: Pick<Config, 'dataDir' | 'encryptionKey' | 'previousEncryptionKeys'>,
): Keyring {
  if (config.encryptionKey) {
    const current = envKey(config.encryptionKey);
    const keys = new Map<string, KeyringKey>([[current.id, current]]);
    for (const previous of config.previousEncryptionKeys) {
      const key = envKey(previous);
      if (!keys.has(key.id)) keys.set(key.id, key);
    }
    return createKeyring({ keys: [...keys.values()], currentKeyId: current.id });
  }
  const path = dataDirPaths(config.dataDir).encryptionKeys;
  createKeyFileIfMissing(path);
  return createFileKeyring(path);
}

/** The id of an environment key: `env-` and the start of its SHA-256 (not secret, stable everywhere). */
export function envKey(base64: string): KeyringKey {
  const key = Buffer.from(base64, 'base64');
  return { id: `env-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`, key };
}
