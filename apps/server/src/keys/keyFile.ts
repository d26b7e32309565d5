import { randomBytes } from 'node:crypto';
import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '@switchboard/contracts';
import { z } from 'zod';

/*
 * `<data dir>/encryption-keys.json`: the keys of file mode (no SWITCHBOARD_ENCRYPTION_KEY), as
 * `{ currentKeyId, keys: { <id>: <base64 32 bytes> } }`. Several processes may read it while one
 * rotates, so it is only ever replaced whole (temp file + rename: readers see the old file or the new
 * one), and keys are only ever added: a value sealed under any key that was once current still opens.
 */

const keyFileSchema = z
  .object({
    currentKeyId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    keys: z.record(
      z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
      z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64'),
    ),
  })
  .refine((f) => f.keys[f.currentKeyId] !== undefined, 'currentKeyId must be one of keys');
export type KeyFile = z.infer<typeof keyFileSchema>;

/** How long a rotation may hold the key file's lock before another one takes it over as abandoned. */
const STALE_LOCK_MS = 30_000;

export function readKeyFile(path: string): KeyFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the key file ${path}: ${(error as Error).message}`);
  }
  const result = keyFileSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(file)'} ${i.message}`);
    throw new Error(`the key file ${path} is invalid: ${problems.join('; ')}`);
  }
  return result.data;
}

/**
 * Generates the first key unless the file exists. Exclusive: when several processes start at once on
 * one data directory, exactly one file wins and everyone uses it.
 */
export function createKeyFileIfMissing(path: string): void {
  if (exists(path)) return;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const id = newKeyId();
  const temp = writeTemp(path, render({ currentKeyId: id, keys: { [id]: newKey() } }));
  try {
    linkSync(temp, path); // fails with EEXIST when another process got there first
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
}

/** Adds a freshly generated key and makes it current; the old keys stay. Answers the new key's id. */
export async function addCurrentKey(path: string): Promise<string> {
  const release = await lockKeyFile(path);
  try {
    // Read under the lock: a rotation that finished a moment ago must not lose its key.
    const file = readKeyFile(path);
    const id = newKeyId();
    const temp = writeTemp(path, render({ currentKeyId: id, keys: { ...file.keys, [id]: newKey() } }));
    renameSync(temp, path);
    return id;
  } finally {
    release();
  }
}

function newKeyId(): string {
  return `k-${randomBytes(6).toString('hex')}`;
}

function newKey(): string {
  return randomBytes(32).toString('base64');
}

function render(file: KeyFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** A new file beside `path` (same file system, so rename is atomic), readable only by the owner. */
function writeTemp(path: string, contents: string): string {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, contents, { mode: 0o600, flag: 'wx' });
  return temp;
}

async function lockKeyFile(path: string): Promise<() => void> {
  const lock = `${path}.lock`;
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      return () => {
        try {
          unlinkSync(lock);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) unlinkSync(lock);
    } catch {
      // released meanwhile
    }
    if (Date.now() > deadline) {
      throw new AppError(
        'CONFLICT',
        409,
        `another key rotation is changing ${path} (lock ${lock}); wait for it to finish and try again.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
