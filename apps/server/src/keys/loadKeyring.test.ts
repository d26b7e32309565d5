import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../config';
import { isFileKeyring } from './fileKeyring';
import { envKey, loadKeyring } from './loadKeyring';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

const newKey = () => randomBytes(32).toString('base64');

describe('loadKeyring', () => {
  test('env mode: after switching keys, values sealed under the previous key still open', () => {
    const oldKey = newKey();
    const newKeyValue = newKey();
    const dataDir = '/nonexistent-switchboard-dir';
    const before = loadKeyring(
      loadConfig({ SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_ENCRYPTION_KEY: oldKey }),
    );
    const oldValue = before.seal('sealed before the switch');

    const after = loadKeyring(
      loadConfig({
        SWITCHBOARD_DATA_DIR: dataDir,
        SWITCHBOARD_ENCRYPTION_KEY: newKeyValue,
        // Whitespace, empty entries and the current key itself are tolerated.
        SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS: ` ${oldKey}, ,${newKeyValue}`,
      }),
    );
    expect(isFileKeyring(after)).toBe(false);
    expect(after.currentKeyId).toBe(envKey(newKeyValue).id);
    expect(after.open(oldValue)).toBe('sealed before the switch');
    expect(after.seal('new').startsWith(`sb1.${envKey(newKeyValue).id}.`)).toBe(true);

    const withoutPrevious = loadKeyring(
      loadConfig({ SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_ENCRYPTION_KEY: newKeyValue }),
    );
    expect(() => withoutPrevious.open(oldValue)).toThrow(/not in the keyring/);
  });

  test('file mode: a key file in the data directory', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-load-'));
    dirs.push(dataDir);
    const keyring = loadKeyring(loadConfig({ SWITCHBOARD_DATA_DIR: join(dataDir, 'nested') }));
    expect(isFileKeyring(keyring)).toBe(true);
    const again = loadKeyring(loadConfig({ SWITCHBOARD_DATA_DIR: join(dataDir, 'nested') }));
    expect(again.open(keyring.seal('same file'))).toBe('same file');
  });

  test.each([
    [
      { SWITCHBOARD_ENCRYPTION_KEY: newKey(), SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS: `${newKey()},short` },
      /key 2 of 2 is not 32 bytes of base64/,
    ],
    [{ SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS: newKey() }, /needs SWITCHBOARD_ENCRYPTION_KEY/],
  ])('SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS is validated with a clear message (%#)', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as Error).message).toContain('SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS:');
      expect((error as Error).message).not.toContain(env.SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS.split(',')[0]);
    }
  });
});
