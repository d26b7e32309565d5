import { type Kysely, sql } from 'kysely';
import type { Database } from './schema';

/*
 * Single-flight token refresh across processes. A process claims a credential's refresh lease with one
 * conditional UPDATE (only one claimant can win while the lease is live), calls the provider, and
 * writes the new sealed tokens in the same statement that releases the lease — only if it still holds
 * it. Everyone else waits for the sealed value to change. A holder that dies simply lets its lease lapse.
 */

/** Claims the refresh lease; true when this owner now holds it. */
export async function claimRefreshLease(
  db: Kysely<Database>,
  credentialId: string,
  owner: string,
  leaseMs: number,
): Promise<boolean> {
  const result = await db
    .updateTable('credentials')
    .set({
      refreshLeaseOwner: owner,
      refreshLeaseUntil: sql<Date>`now() + ${`${leaseMs} milliseconds`}::interval`,
    })
    .where('id', '=', credentialId)
    .where((eb) =>
      eb.or([eb('refreshLeaseUntil', 'is', null), eb('refreshLeaseUntil', '<', sql<Date>`now()`)]),
    )
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The credential's sealed secrets and lease, as one row (what a waiter polls). */
export async function readRefreshState(
  db: Kysely<Database>,
  credentialId: string,
): Promise<
  { sealed: string | null; status: string; leaseOwner: string | null; leaseLive: boolean } | undefined
> {
  const row = await db
    .selectFrom('credentials')
    .leftJoin('credentialSecrets', 'credentialSecrets.credentialId', 'credentials.id')
    .select([
      'credentialSecrets.sealed',
      'credentials.status',
      'credentials.refreshLeaseOwner',
      sql<boolean>`coalesce(credentials.refresh_lease_until > now(), false)`.as('leaseLive'),
    ])
    .where('credentials.id', '=', credentialId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    sealed: row.sealed ?? null,
    status: row.status,
    leaseOwner: row.refreshLeaseOwner,
    leaseLive: row.leaseLive,
  };
}

/**
 * Stores refreshed tokens and releases the lease, only while `owner` still holds it; the credential
 * turns VALID with its failure count reset. False when the lease was lost (nothing written).
 */
export async function completeRefresh(
  db: Kysely<Database>,
  input: {
    credentialId: string;
    owner: string;
    sealed: { sealed: string; keyId: string };
    dateValidUntil: Date | null;
    providerData?: Record<string, string | number | boolean> | undefined;
  },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('credentials')
      .set({
        status: 'VALID',
        refreshFailureCount: 0,
        dateRefreshed: new Date(),
        dateValidUntil: input.dateValidUntil,
        refreshLeaseOwner: null,
        refreshLeaseUntil: null,
        updatedAt: new Date(),
        ...(input.providerData
          ? { providerData: sql`provider_data || ${JSON.stringify(input.providerData)}::jsonb` }
          : {}),
      })
      .where('id', '=', input.credentialId)
      .where('refreshLeaseOwner', '=', input.owner)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) return false;
    await trx
      .updateTable('credentialSecrets')
      .set({ sealed: input.sealed.sealed, keyId: input.sealed.keyId, updatedAt: new Date() })
      .where('credentialId', '=', input.credentialId)
      .execute();
    return true;
  });
}

/**
 * Records a failed refresh and releases the lease. `invalid` (the provider refused the grant) turns
 * the credential INVALID; otherwise its status is kept. Answers the new failure count.
 */
export async function failRefresh(
  db: Kysely<Database>,
  input: { credentialId: string; owner: string; invalid: boolean },
): Promise<number | undefined> {
  const row = await db
    .updateTable('credentials')
    .set({
      refreshFailureCount: sql`refresh_failure_count + 1`,
      refreshLeaseOwner: null,
      refreshLeaseUntil: null,
      updatedAt: new Date(),
      ...(input.invalid ? { status: 'INVALID' as const } : {}),
    })
    .where('id', '=', input.credentialId)
    .where('refreshLeaseOwner', '=', input.owner)
    .returning('refreshFailureCount')
    .executeTakeFirst();
  return row?.refreshFailureCount;
}

/** Lets go of a lease this owner holds without recording anything (someone else already refreshed). */
export async function releaseRefreshLease(
  db: Kysely<Database>,
  credentialId: string,
  owner: string,
): Promise<void> {
  await db
    .updateTable('credentials')
    .set({ refreshLeaseOwner: null, refreshLeaseUntil: null })
    .where('id', '=', credentialId)
    .where('refreshLeaseOwner', '=', owner)
    .execute();
}

/** VALID credentials with secrets whose access token expires before `before`, soonest first. */
export async function listCredentialsDueForRefresh(
  db: Kysely<Database>,
  before: Date,
  limit: number,
): Promise<
  Array<{
    id: string;
    projectId: string;
    integrationId: string;
    connectedUserId: string;
    inputs: Record<string, string>;
  }>
> {
  return db
    .selectFrom('credentials')
    .select(['id', 'projectId', 'integrationId', 'connectedUserId', 'inputs'])
    .where('status', '=', 'VALID')
    .where('dateValidUntil', 'is not', null)
    .where('dateValidUntil', '<', before)
    .where((eb) =>
      eb.or([eb('refreshLeaseUntil', 'is', null), eb('refreshLeaseUntil', '<', sql<Date>`now()`)]),
    )
    .orderBy('dateValidUntil')
    .limit(limit)
    .execute();
}
