import { z } from 'zod';
import { settingsMapSchema, workflowSettingsSchema } from './connectInputValue';

export const credentialStatusSchema = z.enum(['PENDING', 'INVALID', 'VALID']);
export type CredentialStatus = z.infer<typeof credentialStatusSchema>;

/** Wire protocol 12.3. IDs are UUID v4: the official client treats anything else as an externalId. */
export const credentialConfigurationSchema = z
  .object({
    id: z.uuid(),
    connectCredentialId: z.uuid(),
    workflowSettings: workflowSettingsSchema,
    sharedSettings: settingsMapSchema,
    configMeta: z.record(z.string(), z.json()),
    externalId: z.string().nullable(),
    isDefault: z.boolean(),
    dateCreated: z.string(),
    dateUpdated: z.string(),
  })
  .meta({ id: 'CredentialConfiguration' });
export type CredentialConfiguration = z.infer<typeof credentialConfigurationSchema>;

/** Wire protocol 12.2 (plus the seed's deprecated `config`, mirroring the default configuration). */
export const credentialSchema = z
  .object({
    id: z.uuid(),
    projectId: z.uuid(),
    integrationId: z.uuid(),
    personaId: z.uuid(),
    isPreviewCredential: z.boolean(),
    providerId: z.string().nullable(),
    providerData: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    status: credentialStatusSchema,
    externalId: z.string().nullable(),
    refreshFailureCount: z.number().int(),
    dateCreated: z.string(),
    dateUpdated: z.string(),
    dateRefreshed: z.string().nullable(),
    dateValidUntil: z.string().nullable(),
    dateDeleted: z.null(),
    configurations: z.array(credentialConfigurationSchema),
    config: z.object({
      configuredWorkflows: workflowSettingsSchema,
      sharedSettings: settingsMapSchema,
    }),
    errors: z.array(z.string()).optional(),
  })
  .meta({ id: 'Credential' });
export type Credential = z.infer<typeof credentialSchema>;

/**
 * SECRET: the credential's live access token, for the ExternalFilePicker (wire protocol 5.15, 10).
 * Only `GET /sdk/credentials?integration=<file-storage type>&includeAccountAuth=true` answers it
 * (with `Cache-Control: no-store`); no other response ever carries it.
 */
export const accountAuthSchema = z
  .object({
    OAUTH_ACCESS_TOKEN: z.string().min(1),
    /** OneDrive: the picker's base URL (`https://onedrive.live.com` or the user's SharePoint origin). */
    DOMAIN: z.string().optional(),
  })
  .meta({
    id: 'AccountAuth',
    description:
      'Secret. The access token (refreshed first when about to expire), only with includeAccountAuth=true for file-storage integrations.',
  });
export type AccountAuth = z.infer<typeof accountAuthSchema>;

/** One credential as `getIntegrationAccount` reads it: plus `accountAuth` when it was asked for. */
export const integrationAccountSchema = credentialSchema
  .extend({ accountAuth: accountAuthSchema.optional() })
  .meta({ id: 'IntegrationAccount' });
export type IntegrationAccount = z.infer<typeof integrationAccountSchema>;

/**
 * PATCH /sdk/credentials/:id body. The seed says `config` replaces by value; the official client
 * sends only the part it changes (`{config:{sharedSettings}}` or `{config:{workflowSettings}}`).
 * Both hold when each key present in `config` replaces that key whole and absent keys stay.
 * `configuredWorkflows` is the deprecated name of `workflowSettings`.
 */
export const patchCredentialBodySchema = z
  .object({
    config: z
      .object({
        workflowSettings: workflowSettingsSchema.optional(),
        configuredWorkflows: workflowSettingsSchema.optional(),
        sharedSettings: settingsMapSchema.optional(),
      })
      .strict(),
  })
  .strict()
  .meta({ id: 'PatchCredentialBody' });
export type PatchCredentialBody = z.infer<typeof patchCredentialBodySchema>;
