import type { Credential, CredentialConfiguration } from '@switchboard/contracts';
import type { CredentialConfigurationRow, CredentialWithConfigurations } from '@switchboard/db';

export function presentConfiguration(row: CredentialConfigurationRow): CredentialConfiguration {
  return {
    id: row.id,
    connectCredentialId: row.credentialId,
    workflowSettings: row.workflowSettings,
    sharedSettings: row.sharedSettings,
    configMeta: row.configMeta,
    externalId: row.externalId,
    isDefault: row.isDefault,
    dateCreated: row.createdAt.toISOString(),
    dateUpdated: row.updatedAt.toISOString(),
  };
}

export function defaultConfigurationOf(credential: CredentialWithConfigurations): CredentialConfigurationRow {
  // Every credential is created with exactly one default configuration (insertCredential).
  return (
    credential.configurations.find((c) => c.isDefault) ??
    (credential.configurations[0] as CredentialConfigurationRow)
  );
}

/** A credential as the SDK sees it (wire protocol 12.2). Secrets are never part of this shape. */
export function presentCredential(credential: CredentialWithConfigurations): Credential {
  const defaults = defaultConfigurationOf(credential);
  return {
    id: credential.id,
    projectId: credential.projectId,
    integrationId: credential.integrationId,
    personaId: credential.connectedUserId,
    isPreviewCredential: credential.isPreview,
    providerId: credential.providerId,
    providerData: credential.providerData,
    status: credential.status,
    externalId: credential.externalId,
    refreshFailureCount: credential.refreshFailureCount,
    dateCreated: credential.createdAt.toISOString(),
    dateUpdated: credential.updatedAt.toISOString(),
    dateRefreshed: credential.dateRefreshed?.toISOString() ?? null,
    dateValidUntil: credential.dateValidUntil?.toISOString() ?? null,
    dateDeleted: null,
    configurations: credential.configurations.map(presentConfiguration),
    config: { configuredWorkflows: defaults.workflowSettings, sharedSettings: defaults.sharedSettings },
  };
}
