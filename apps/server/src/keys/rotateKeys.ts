import type { RotateKeysResponse } from '@switchboard/contracts';
import {
  countSealedValuesUnder,
  type Database,
  findSealedValue,
  listSealedValuesNotUnder,
  type SealedColumn,
  type SealedValue,
  type SealedValueSwap,
  sealedColumnNames,
  swapSealedValues,
} from '@switchboard/db';
import type { Keyring } from '@switchboard/vault';
import type { Kysely } from 'kysely';
import { isFileKeyring } from './fileKeyring';
import { addCurrentKey } from './keyFile';

export interface RotateKeysDeps {
  db: Kysely<Database>;
  /** A file keyring gets a new current key first; any other keyring re-seals under its current key. */
  keyring: Keyring;
  /** Rows read and written per statement; default 200. */
  batchSize?: number;
  /**
   * File mode: how long after the key switch other processes may still seal with the old key (their
   * keyrings re-check the key file once a second). A last pass runs after it; default 1.5 s.
   */
  settleMs?: number;
  /** Test seam: runs after a batch is read and re-sealed, before it is written. */
  beforeWrite?: (table: SealedColumn, swaps: readonly SealedValueSwap[]) => Promise<void>;
}

const MAX_PASSES = 3;
const MAX_ATTEMPTS = 5;
const LISTED_UNOPENABLE = 100;

type Unopenable = RotateKeysResponse['unopenable']['values'][number];

/**
 * Re-seals every secret at rest under the current key, without stopping anything: each batch is
 * written with compare-and-swap, so a value rewritten concurrently (a token refresh) is never
 * clobbered, only read again. In file mode a new key is generated first; in env mode the operator has
 * already made the new key current (old ones in SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS). A value that
 * cannot be opened is never touched: it is counted and listed.
 */
export async function rotateKeys(deps: RotateKeysDeps): Promise<RotateKeysResponse> {
  const { db, keyring } = deps;
  const batchSize = deps.batchSize ?? 200;
  const previousKeyId = keyring.currentKeyId;
  const generatedKey = isFileKeyring(keyring);
  if (isFileKeyring(keyring)) {
    await addCurrentKey(keyring.keyFile);
    keyring.reload();
  }
  const switchedAt = Date.now();
  const currentKeyId = keyring.currentKeyId;

  const tables = Object.fromEntries(
    sealedColumnNames.map((t) => [t, { resealed: 0, alreadyCurrent: 0, retried: 0, unopenable: 0 }]),
  ) as RotateKeysResponse['tables'];
  const unopenable = new Map<string, Unopenable>();
  for (const table of sealedColumnNames) {
    tables[table].alreadyCurrent = await countSealedValuesUnder(db, table, currentKeyId);
  }

  /** The value re-sealed under the current key, or undefined (listed as unopenable) when it cannot be opened. */
  function reseal(table: SealedColumn, row: SealedValue): SealedValueSwap | undefined {
    const keyId = keyIdOf(row.sealed);
    let plaintext: string;
    if (keyId === undefined && table === 'integrations') {
      plaintext = row.sealed; // a client secret stored before sealing existed
    } else {
      try {
        plaintext = keyring.open(row.sealed);
      } catch (error) {
        unopenable.set(`${table}:${row.id}`, {
          table,
          id: row.id,
          keyId: keyId ?? null,
          reason: (error as Error).message,
        });
        return undefined;
      }
    }
    unopenable.delete(`${table}:${row.id}`);
    const next = keyring.seal(plaintext);
    // From the value itself: a file keyring may have moved on to an even newer key while sealing.
    return { id: row.id, previous: row.sealed, next, nextKeyId: keyIdOf(next) as string };
  }

  /** A row whose swap lost the race: read it again and re-seal what it holds now. */
  async function retry(table: SealedColumn, id: string): Promise<void> {
    tables[table].retried += 1;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const value = await findSealedValue(db, table, id);
      if (value === undefined) return; // deleted or cleared meanwhile: nothing left to protect
      if (keyIdOf(value) === keyring.currentKeyId) {
        tables[table].alreadyCurrent += 1; // the writer sealed under the new key already
        return;
      }
      const swap = reseal(table, { id, sealed: value });
      if (!swap) return;
      if ((await swapSealedValues(db, table, [swap])).has(id)) {
        tables[table].resealed += 1;
        return;
      }
    }
    unopenable.set(`${table}:${id}`, {
      table,
      id,
      keyId: null,
      reason: `it changed ${MAX_ATTEMPTS} times while being re-sealed; run the rotation again`,
    });
  }

  /** One pass over a table's values not under the current key, in id order. Answers how many it re-sealed. */
  async function sweep(table: SealedColumn): Promise<number> {
    const before = tables[table].resealed;
    let afterId: string | undefined;
    for (;;) {
      const rows = await listSealedValuesNotUnder(db, table, currentKeyId, { afterId, limit: batchSize });
      if (rows.length === 0) break;
      afterId = rows.at(-1)?.id;
      const swaps = rows.map((row) => reseal(table, row)).filter((s) => s !== undefined);
      await deps.beforeWrite?.(table, swaps);
      const written = await swapSealedValues(db, table, swaps);
      tables[table].resealed += written.size;
      for (const swap of swaps) if (!written.has(swap.id)) await retry(table, swap.id);
      if (rows.length < batchSize) break;
    }
    return tables[table].resealed - before;
  }

  // More passes catch values other processes sealed with the old key meanwhile; in file mode the last
  // one waits until every keyring on the key file has had its chance to notice the new key.
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    if (pass > 0 && generatedKey) {
      const wait = switchedAt + (deps.settleMs ?? 1_500) - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    let resealed = 0;
    for (const table of sealedColumnNames) resealed += await sweep(table);
    if (resealed === 0 && (pass > 0 || !generatedKey)) break;
  }

  const values = [...unopenable.values()];
  for (const value of values) tables[value.table].unopenable += 1;
  return {
    currentKeyId,
    previousKeyId,
    generatedKey,
    tables,
    unopenable: { count: values.length, values: values.slice(0, LISTED_UNOPENABLE) },
  };
}

/** The key id of an `sb1.<keyId>.…` value; undefined for anything else. */
function keyIdOf(value: string): string | undefined {
  const parts = value.split('.');
  return parts.length === 5 && parts[0] === 'sb1' ? parts[1] : undefined;
}
