import type { Kysely } from 'kysely';
import type { CredentialWithConfigurations } from './credentials';
import type { CredentialConfigurationRow, CredentialRow, Database, JsonObject } from './schema';

export interface UserAccount {
  meta: JsonObject;
  /** Oldest first, each with its configurations (oldest first). */
  credentials: CredentialWithConfigurations[];
}

/**
 * A Connected User's metadata, credentials and configurations in one round trip (the hot path of
 * `GET /sdk/me`): users ⟕ credentials ⟕ configurations, regrouped here.
 */
export async function loadUserAccount(
  db: Kysely<Database>,
  connectedUserId: string,
): Promise<UserAccount | undefined> {
  const rows = await db
    .selectFrom('connectedUsers as u')
    .leftJoin('credentials as c', 'c.connectedUserId', 'u.id')
    .leftJoin('credentialConfigurations as cc', 'cc.credentialId', 'c.id')
    .select([
      'u.meta as userMeta',
      'c.id',
      'c.projectId',
      'c.integrationId',
      'c.connectedUserId',
      'c.status',
      'c.providerId',
      'c.providerData',
      'c.externalId',
      'c.isPreview',
      'c.refreshFailureCount',
      'c.dateRefreshed',
      'c.dateValidUntil',
      'c.inputs',
      'c.refreshLeaseOwner',
      'c.refreshLeaseUntil',
      'c.createdAt',
      'c.updatedAt',
      'cc.id as configId',
      'cc.workflowSettings as configWorkflowSettings',
      'cc.sharedSettings as configSharedSettings',
      'cc.configMeta as configConfigMeta',
      'cc.externalId as configExternalId',
      'cc.isDefault as configIsDefault',
      'cc.createdAt as configCreatedAt',
      'cc.updatedAt as configUpdatedAt',
    ])
    .where('u.id', '=', connectedUserId)
    .orderBy('c.createdAt')
    .orderBy('c.id')
    .orderBy('cc.createdAt')
    .execute();
  const first = rows[0];
  if (!first) return undefined;

  const byId = new Map<string, CredentialWithConfigurations>();
  for (const row of rows) {
    if (row.id === null) continue; // the user has no credentials: one row of nulls
    let credential = byId.get(row.id);
    if (!credential) {
      const base: CredentialRow = {
        id: row.id,
        projectId: row.projectId as string,
        integrationId: row.integrationId as string,
        connectedUserId: row.connectedUserId as string,
        status: row.status as CredentialRow['status'],
        providerId: row.providerId,
        providerData: row.providerData as CredentialRow['providerData'],
        externalId: row.externalId,
        isPreview: row.isPreview as boolean,
        refreshFailureCount: row.refreshFailureCount as number,
        dateRefreshed: row.dateRefreshed,
        dateValidUntil: row.dateValidUntil,
        inputs: row.inputs as Record<string, string>,
        refreshLeaseOwner: row.refreshLeaseOwner,
        refreshLeaseUntil: row.refreshLeaseUntil,
        createdAt: row.createdAt as Date,
        updatedAt: row.updatedAt as Date,
      };
      credential = { ...base, configurations: [] };
      byId.set(row.id, credential);
    }
    if (row.configId !== null) {
      const configuration: CredentialConfigurationRow = {
        id: row.configId,
        credentialId: row.id,
        workflowSettings: row.configWorkflowSettings as CredentialConfigurationRow['workflowSettings'],
        sharedSettings: row.configSharedSettings as JsonObject,
        configMeta: row.configConfigMeta as JsonObject,
        externalId: row.configExternalId,
        isDefault: row.configIsDefault as boolean,
        createdAt: row.configCreatedAt as Date,
        updatedAt: row.configUpdatedAt as Date,
      };
      credential.configurations.push(configuration);
    }
  }
  return { meta: first.userMeta, credentials: [...byId.values()] };
}
