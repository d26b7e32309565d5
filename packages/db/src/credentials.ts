import { type Kysely, sql } from 'kysely';
import type {
  CredentialConfigurationRow,
  CredentialRow,
  CredentialStatus,
  Database,
  JsonObject,
  WorkflowSettingValue,
} from './schema';

export type CredentialWithConfigurations = CredentialRow & { configurations: CredentialConfigurationRow[] };

export interface CredentialInsert {
  id: string;
  projectId: string;
  integrationId: string;
  connectedUserId: string;
  status: CredentialStatus;
  providerId?: string | null;
  providerData?: Record<string, string | number | boolean>;
  externalId?: string | null;
  dateValidUntil?: Date | null;
  inputs?: Record<string, string>;
  /** The provider's secrets, already sealed by the vault (absent for credentials without secrets). */
  sealedSecrets?: { sealed: string; keyId: string };
  /** The default configuration every credential has. */
  defaultConfiguration: { id: string; workflowSettings?: Record<string, WorkflowSettingValue> };
}

/**
 * Creates a credential and its default configuration atomically: in its own transaction, or in the
 * caller's when `db` is one (an install also queues its Integration Enabled executions there).
 */
export async function insertCredential(
  db: Kysely<Database>,
  input: CredentialInsert,
): Promise<CredentialWithConfigurations> {
  if (!db.isTransaction) return db.transaction().execute((trx) => insertCredential(trx, input));
  const trx = db;
  const credential = await trx
    .insertInto('credentials')
    .values({
      id: input.id,
      projectId: input.projectId,
      integrationId: input.integrationId,
      connectedUserId: input.connectedUserId,
      status: input.status,
      providerId: input.providerId ?? null,
      providerData: JSON.stringify(input.providerData ?? {}),
      externalId: input.externalId ?? null,
      dateRefreshed: null,
      dateValidUntil: input.dateValidUntil ?? null,
      inputs: JSON.stringify(input.inputs ?? {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (input.sealedSecrets) {
    await trx
      .insertInto('credentialSecrets')
      .values({
        credentialId: credential.id,
        sealed: input.sealedSecrets.sealed,
        keyId: input.sealedSecrets.keyId,
      })
      .execute();
  }
  const configuration = await trx
    .insertInto('credentialConfigurations')
    .values({
      id: input.defaultConfiguration.id,
      credentialId: credential.id,
      workflowSettings: JSON.stringify(input.defaultConfiguration.workflowSettings ?? {}),
      sharedSettings: '{}',
      configMeta: '{}',
      externalId: null,
      isDefault: true,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...credential, configurations: [configuration] };
}

async function attachConfigurations(
  db: Kysely<Database>,
  credentials: CredentialRow[],
): Promise<CredentialWithConfigurations[]> {
  if (credentials.length === 0) return [];
  const configurations = await db
    .selectFrom('credentialConfigurations')
    .selectAll()
    .where(
      'credentialId',
      'in',
      credentials.map((c) => c.id),
    )
    .orderBy('createdAt')
    .execute();
  return credentials.map((credential) => ({
    ...credential,
    configurations: configurations.filter((c) => c.credentialId === credential.id),
  }));
}

/** A Connected User's credentials (optionally for one integration), oldest first, with configurations. */
export async function listUserCredentials(
  db: Kysely<Database>,
  connectedUserId: string,
  filter: { integrationId?: string } = {},
): Promise<CredentialWithConfigurations[]> {
  let query = db.selectFrom('credentials').selectAll().where('connectedUserId', '=', connectedUserId);
  if (filter.integrationId) query = query.where('integrationId', '=', filter.integrationId);
  return attachConfigurations(db, await query.orderBy('createdAt').orderBy('id').execute());
}

/** One credential, only if it belongs to this Connected User. */
export async function findUserCredential(
  db: Kysely<Database>,
  connectedUserId: string,
  credentialId: string,
): Promise<CredentialWithConfigurations | undefined> {
  const credential = await db
    .selectFrom('credentials')
    .selectAll()
    .where('connectedUserId', '=', connectedUserId)
    .where('id', '=', credentialId)
    .executeTakeFirst();
  if (!credential) return undefined;
  return (await attachConfigurations(db, [credential]))[0];
}

/** Deletes the user's credentials of an integration (one when `credentialId` is given); returns their ids. */
export async function deleteUserCredentials(
  db: Kysely<Database>,
  connectedUserId: string,
  integrationId: string,
  credentialId?: string,
): Promise<string[]> {
  let query = db
    .deleteFrom('credentials')
    .where('connectedUserId', '=', connectedUserId)
    .where('integrationId', '=', integrationId);
  if (credentialId) query = query.where('id', '=', credentialId);
  const rows = await query.returning('id').execute();
  return rows.map((r) => r.id);
}

/** Replaces the given settings maps of a configuration whole; maps not given are left as they are. */
export async function replaceConfigurationSettings(
  db: Kysely<Database>,
  configurationId: string,
  settings: { workflowSettings?: Record<string, WorkflowSettingValue>; sharedSettings?: JsonObject },
): Promise<void> {
  await db
    .updateTable('credentialConfigurations')
    .set({
      ...(settings.workflowSettings ? { workflowSettings: JSON.stringify(settings.workflowSettings) } : {}),
      ...(settings.sharedSettings ? { sharedSettings: JSON.stringify(settings.sharedSettings) } : {}),
      updatedAt: new Date(),
    })
    .where('id', '=', configurationId)
    .execute();
}

/**
 * Sets `workflowSettings[workflowId].enabled` in one statement, keeping the entry's settings
 * (an absent entry starts as `{ settings: {} }`), so concurrent toggles never lose each other.
 */
export async function setWorkflowEnabled(
  db: Kysely<Database>,
  configurationId: string,
  workflowId: string,
  enabled: boolean,
): Promise<void> {
  await db
    .updateTable('credentialConfigurations')
    .set({
      workflowSettings: sql`jsonb_set(
        workflow_settings,
        array[${workflowId}::text],
        coalesce(workflow_settings -> ${workflowId}::text, '{"settings": {}}'::jsonb)
          || jsonb_build_object('enabled', ${enabled}::boolean)
      )`,
      updatedAt: new Date(),
    })
    .where('id', '=', configurationId)
    .execute();
}

/**
 * Finishes the setup of a credential (post-OAuth inputs): merges `inputs` into its non-secret inputs
 * and turns a PENDING credential VALID (another status is kept: setup does not repair a broken grant).
 * Only the Connected User's own credential is touched. Answers its status before and after, or
 * undefined when it is not the user's. The row is locked first, so of two concurrent calls exactly one
 * sees PENDING → VALID; call it inside the transaction that must be atomic with that change (the
 * Integration Enabled executions), which also holds the lock until it commits.
 */
export async function completeCredentialSetup(
  db: Kysely<Database>,
  connectedUserId: string,
  credentialId: string,
  inputs: Record<string, string>,
): Promise<{ previousStatus: CredentialStatus; status: CredentialStatus } | undefined> {
  if (!db.isTransaction)
    return db
      .transaction()
      .execute((trx) => completeCredentialSetup(trx, connectedUserId, credentialId, inputs));
  const before = await db
    .selectFrom('credentials')
    .select('status')
    .where('connectedUserId', '=', connectedUserId)
    .where('id', '=', credentialId)
    .forUpdate()
    .executeTakeFirst();
  if (!before) return undefined;
  const after = await db
    .updateTable('credentials')
    .set({
      inputs: sql`inputs || ${JSON.stringify(inputs)}::jsonb`,
      status: sql`case when status = 'PENDING' then 'VALID' else status end`,
      updatedAt: new Date(),
    })
    .where('connectedUserId', '=', connectedUserId)
    .where('id', '=', credentialId)
    .returning('status')
    .executeTakeFirstOrThrow();
  return { previousStatus: before.status, status: after.status };
}
