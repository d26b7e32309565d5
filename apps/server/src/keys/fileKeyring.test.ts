import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createFileKeyring, isFileKeyring } from './fileKeyring';
import { addCurrentKey, createKeyFileIfMissing, readKeyFile } from './keyFile';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function keyFilePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-keys-'));
  dirs.push(dir);
  const path = join(dir, 'encryption-keys.json');
  createKeyFileIfMissing(path);
  return path;
}

/** A clock the test moves by hand, so "at most once per second" needs no sleeping. */
function manualClock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('file keyring', () => {
  test('the key file is generated once, owner-only, and never replaced by a second start', () => {
    const path = keyFilePath();
    const first = readKeyFile(path);
    expect(Object.keys(first.keys)).toEqual([first.currentKeyId]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    createKeyFileIfMissing(path);
    expect(readKeyFile(path)).toEqual(first);
    expect(readdirSync(join(path, '..'))).toEqual(['encryption-keys.json']); // no temp files left
  });

  test('a rotation by another process: open follows at once, seal within the re-check interval', async () => {
    const path = keyFilePath();
    const clock = manualClock();
    const server = createFileKeyring(path, { now: clock.now });
    const oldKeyId = server.currentKeyId;
    const beforeRotation = server.seal('sealed before');

    // "The CLI": its own keyring on the same file, rotating.
    const newKeyId = await addCurrentKey(path);
    const cli = createFileKeyring(path);
    expect(cli.currentKeyId).toBe(newKeyId);
    expect(cli.open(beforeRotation)).toBe('sealed before'); // old keys are kept
    const underNewKey = cli.seal('sealed by the CLI');
    expect(underNewKey.startsWith(`sb1.${newKeyId}.`)).toBe(true);

    // The server has never seen newKeyId: open re-reads the file once and succeeds.
    expect(server.open(underNewKey)).toBe('sealed by the CLI');
    expect(server.currentKeyId).toBe(newKeyId);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readKeyFile(path).keys[oldKeyId]).toBeDefined();
  });

  test('seal notices a changed key file, checking at most once per second', async () => {
    const path = keyFilePath();
    const clock = manualClock();
    const server = createFileKeyring(path, { now: clock.now });
    const oldKeyId = server.currentKeyId;
    clock.advance(5_000);
    expect(server.seal('x').startsWith(`sb1.${oldKeyId}.`)).toBe(true); // checked now: unchanged

    const newKeyId = await addCurrentKey(path);
    clock.advance(500);
    expect(server.seal('x').startsWith(`sb1.${oldKeyId}.`)).toBe(true); // not re-checked yet
    expect(server.currentKeyId).toBe(oldKeyId);
    clock.advance(500);
    const sealed = server.seal('x');
    expect(sealed.startsWith(`sb1.${newKeyId}.`)).toBe(true);
    expect(server.currentKeyId).toBe(newKeyId);
    expect(createFileKeyring(path).open(sealed)).toBe('x');
  });

  test('a key file that turns unreadable never stops sealing or opening with the keys already loaded', () => {
    const path = keyFilePath();
    const clock = manualClock();
    const server = createFileKeyring(path, { now: clock.now });
    const sealed = server.seal('kept');
    writeFileSync(path, '{ half written');
    clock.advance(2_000);
    expect(server.open(server.seal('still works'))).toBe('still works');
    expect(server.open(sealed)).toBe('kept');
    expect(() => server.open(sealed.replace(/^sb1\.[^.]+\./, 'sb1.k-unknown.'))).toThrow(/k-unknown/);
    expect(() => server.reload()).toThrow(/cannot read the key file/);
  });

  test('rotations queue on the key file lock and never lose a key; an abandoned lock is taken over', async () => {
    const path = keyFilePath();
    const first = readKeyFile(path).currentKeyId;
    const added = await Promise.all([addCurrentKey(path), addCurrentKey(path), addCurrentKey(path)]);
    expect(Object.keys(readKeyFile(path).keys).sort()).toEqual([first, ...added].sort());

    writeFileSync(`${path}.lock`, '');
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock`, longAgo, longAgo);
    const after = await addCurrentKey(path);
    expect(readKeyFile(path).currentKeyId).toBe(after);
    expect(readdirSync(join(path, '..'))).toEqual(['encryption-keys.json']);
  });

  test('isFileKeyring tells a file keyring from a plain one', () => {
    const path = keyFilePath();
    expect(isFileKeyring(createFileKeyring(path))).toBe(true);
  });
});
