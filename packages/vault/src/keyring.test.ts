import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createKeyring } from './keyring';

const key1 = { id: 'k1', key: randomBytes(32) };
const key2 = { id: 'k2', key: randomBytes(32) };

function replacePart(sealed: string, index: number, change: (part: string) => string): string {
  const parts = sealed.split('.');
  parts[index] = change(parts[index] ?? '');
  return parts.join('.');
}

function flipFirstByte(part: string): string {
  const bytes = Buffer.from(part, 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}

describe('createKeyring', () => {
  test('seals and opens, with a fresh IV each time, in the sb1 format', () => {
    const keyring = createKeyring({ keys: [key1], currentKeyId: 'k1' });
    const plaintext = JSON.stringify({ accessToken: 'tok-é-✓', refreshToken: 'r' });
    const first = keyring.seal(plaintext);
    const second = keyring.seal(plaintext);
    expect(first).toMatch(/^sb1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('tok');
    expect(keyring.open(first)).toBe(plaintext);
    expect(keyring.open(second)).toBe(plaintext);
    expect(keyring.open(keyring.seal(''))).toBe('');
    expect(keyring.currentKeyId).toBe('k1');
  });

  test('names an unknown key id and never the plaintext', () => {
    const sealed = createKeyring({ keys: [key2], currentKeyId: 'k2' }).seal('very-secret-token');
    const keyring = createKeyring({ keys: [key1], currentKeyId: 'k1' });
    expect(() => keyring.open(sealed)).toThrow(/key "k2", which is not in the keyring \(keys: k1\)/);
  });

  test('detects tampering with the ciphertext, tag, IV or key label', () => {
    const keyring = createKeyring({ keys: [key1, { id: 'k1b', key: key1.key }], currentKeyId: 'k1' });
    const sealed = keyring.seal('very-secret-token');
    for (const index of [2, 3, 4]) {
      expect(() => keyring.open(replacePart(sealed, index, flipFirstByte))).toThrow(
        /failed authentication with key "k1"/,
      );
    }
    // Same key material under another id: the id is authenticated data, so relabelling fails too.
    expect(() => keyring.open(replacePart(sealed, 1, () => 'k1b'))).toThrow(/failed authentication/);
    expect(() => keyring.open(`${sealed}.extra`)).toThrow(/malformed/);
    expect(() => keyring.open(replacePart(sealed, 0, () => 'sb2'))).toThrow(/malformed/);
    expect(() => keyring.open(replacePart(sealed, 2, (part) => part.slice(2)))).toThrow(/malformed/);
    expect(() => keyring.open(replacePart(sealed, 4, () => 'not base64!'))).toThrow(/malformed/);
  });

  test('opens values sealed with an older key after a new current key is added', () => {
    const before = createKeyring({ keys: [key1], currentKeyId: 'k1' });
    const oldValue = before.seal('sealed before rotation');
    const after = createKeyring({ keys: [key1, key2], currentKeyId: 'k2' });
    const newValue = after.seal('sealed after rotation');
    expect(newValue.startsWith('sb1.k2.')).toBe(true);
    expect(after.open(oldValue)).toBe('sealed before rotation');
    expect(after.open(newValue)).toBe('sealed after rotation');
    expect(() => before.open(newValue)).toThrow(/"k2"/);
  });

  test('rejects bad key configurations', () => {
    expect(() => createKeyring({ keys: [{ id: 'k1', key: randomBytes(16) }], currentKeyId: 'k1' })).toThrow(
      /16 bytes; AES-256 keys must be exactly 32 bytes/,
    );
    expect(() => createKeyring({ keys: [key1], currentKeyId: 'k9' })).toThrow(/"k9" is not among its keys/);
    expect(() => createKeyring({ keys: [key1, key1], currentKeyId: 'k1' })).toThrow(/twice/);
    expect(() => createKeyring({ keys: [{ id: 'a.b', key: randomBytes(32) }], currentKeyId: 'a.b' })).toThrow(
      /invalid/,
    );
  });
});
