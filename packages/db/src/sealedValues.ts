import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from './schema';

/*
 * Every column that holds a value sealed by the keyring (`sb1.<keyId>.<iv>.<tag>.<ciphertext>`), for
 * key rotation. Reads page through the values not yet under a given key; writes are compare-and-swap
 * on the whole stored value, so a value rewritten meanwhile (a token refresh, a new client secret) is
 * never replaced by a re-sealed copy of the stale one. Rows are identified by their uuid primary key.
 */
export const sealedColumns = {
  /** Tokens and API-key fields of credentials; `key_id` repeats the key id of `sealed`. */
  credentialSecrets: { table: 'credentialSecrets', id: 'credentialId', value: 'sealed', keyId: 'keyId' },
  /** OAuth client secrets; values stored before sealing existed may be plain text. */
  integrations: { table: 'integrations', id: 'id', value: 'clientSecret', keyId: undefined },
  /** PKCE verifiers of OAuth sessions in progress (cleared when the session finishes). */
  oauthSessions: { table: 'oauthSessions', id: 'id', value: 'codeVerifierSealed', keyId: undefined },
} as const;
export type SealedColumn = keyof typeof sealedColumns;
export const sealedColumnNames = Object.keys(sealedColumns) as SealedColumn[];

export interface SealedValue {
  id: string;
  sealed: string;
}

export interface SealedValueSwap {
  id: string;
  /** The value read; the swap happens only if the row still holds exactly this. */
  previous: string;
  next: string;
  /** The key id of `next` (stored in the key id column where the table has one). */
  nextKeyId: string;
}

const ref = (column: SealedColumn, field: 'id' | 'value') => sql.ref(`t.${sealedColumns[column][field]}`);

/** True where the row's value is sealed under `keyId` (and, where kept, its key id column agrees). */
function underKey(column: SealedColumn, keyId: string): RawBuilder<boolean> {
  const prefix = `sb1.${keyId}.`;
  // left() rather than LIKE: key ids may contain `_`, a LIKE wildcard.
  const prefixed = sql<boolean>`left(${ref(column, 'value')}, ${prefix.length}::int) = ${prefix}`;
  const keyIdColumn = sealedColumns[column].keyId;
  return keyIdColumn ? sql<boolean>`(${prefixed} and ${sql.ref(`t.${keyIdColumn}`)} = ${keyId})` : prefixed;
}

/** Up to `limit` non-null values not sealed under `keyId`, in id order, after `afterId` when given. */
export async function listSealedValuesNotUnder(
  db: Kysely<Database>,
  column: SealedColumn,
  keyId: string,
  page: { afterId?: string | undefined; limit: number },
): Promise<SealedValue[]> {
  const after = page.afterId ? sql`and ${ref(column, 'id')} > ${page.afterId}::uuid` : sql``;
  const result = await sql<SealedValue>`
    select ${ref(column, 'id')}::text as id, ${ref(column, 'value')} as sealed
    from ${sql.table(sealedColumns[column].table)} as t
    where ${ref(column, 'value')} is not null and not ${underKey(column, keyId)} ${after}
    order by ${ref(column, 'id')}
    limit ${page.limit}::int`.execute(db);
  return result.rows;
}

/** How many non-null values are sealed under `keyId`. */
export async function countSealedValuesUnder(
  db: Kysely<Database>,
  column: SealedColumn,
  keyId: string,
): Promise<number> {
  const result = await sql<{ count: number }>`
    select count(*)::int as count
    from ${sql.table(sealedColumns[column].table)} as t
    where ${ref(column, 'value')} is not null and ${underKey(column, keyId)}`.execute(db);
  return result.rows[0]?.count ?? 0;
}

/** The value a row holds now; undefined when the row is gone or its value was cleared. */
export async function findSealedValue(
  db: Kysely<Database>,
  column: SealedColumn,
  id: string,
): Promise<string | undefined> {
  const result = await sql<{ sealed: string | null }>`
    select ${ref(column, 'value')} as sealed
    from ${sql.table(sealedColumns[column].table)} as t
    where ${ref(column, 'id')} = ${id}::uuid`.execute(db);
  return result.rows[0]?.sealed ?? undefined;
}

/**
 * Compare-and-swap in one statement: each row gets `next` only if it still holds `previous`.
 * Answers the ids written; a row left out was rewritten (or deleted) since it was read.
 * Other columns, `updated_at` included, are left alone: the secret itself did not change.
 */
export async function swapSealedValues(
  db: Kysely<Database>,
  column: SealedColumn,
  swaps: readonly SealedValueSwap[],
): Promise<Set<string>> {
  if (swaps.length === 0) return new Set();
  const { table, value, keyId } = sealedColumns[column];
  const rows = sql.join(
    swaps.map((s) => sql`(${s.id}::uuid, ${s.previous}::text, ${s.next}::text, ${s.nextKeyId}::text)`),
  );
  const setKeyId = keyId ? sql`, ${sql.ref(keyId)} = v.next_key_id` : sql``;
  const result = await sql<{ id: string }>`
    update ${sql.table(table)} as t
    set ${sql.ref(value)} = v.next ${setKeyId}
    from (values ${rows}) as v (id, previous, next, next_key_id)
    where ${ref(column, 'id')} = v.id and ${ref(column, 'value')} = v.previous
    returning ${ref(column, 'id')}::text as id`.execute(db);
  return new Set(result.rows.map((r) => r.id));
}
