import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createKeyring, type Keyring } from '@switchboard/vault';
import { z } from 'zod';
import { dataDirPaths, writeSecretFile } from '../dataDir';

const keyFileSchema = z.object({
  currentKeyId: z.string().min(1),
  keys: z.record(
    z.string().min(1),
    z.string().refine((v) => Buffer.from(v, 'base64').length === 32),
  ),
});

/**
 * The keyring that seals every secret at rest. With SWITCHBOARD_ENCRYPTION_KEY it holds that key (its
 * id derived from the key, so every process agrees); otherwise a key generated once into
 * `<data dir>/encryption-keys.json` (development). Rotation adds keys to that file.
 */
export function loadKeyring(dataDir: string, fromEnv: string | undefined): Keyring {
  if (fromEnv) {
    const key = Buffer.from(fromEnv, 'base64');
    const id = `env-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
    return createKeyring({ keys: [{ id, key }], currentKeyId: id });
  }
  const path = dataDirPaths(dataDir).encryptionKeys;
  if (!existsSync(path)) {
    const id = `k-${randomBytes(6).toString('hex')}`;
    writeSecretFile(
      path,
      `${JSON.stringify({ currentKeyId: id, keys: { [id]: randomBytes(32).toString('base64') } }, null, 2)}\n`,
    );
  }
  const file = keyFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  return createKeyring({
    keys: Object.entries(file.keys).map(([id, key]) => ({ id, key: Buffer.from(key, 'base64') })),
    currentKeyId: file.currentKeyId,
  });
}
