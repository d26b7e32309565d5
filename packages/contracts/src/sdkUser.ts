import { z } from 'zod';
import { settingsMapSchema, workflowSettingsSchema } from './connectInputValue';
import { credentialConfigurationSchema, credentialSchema, credentialStatusSchema } from './credential';

/** User metadata (`PersonaMeta`): free-form; `Name` and `Email` are conventional keys. */
export const userMetaSchema = z.record(z.string().min(1).max(200), z.json());
export type UserMeta = z.infer<typeof userMetaSchema>;

/** Wire protocol 12.1 `integrations[type]`: the user's state for one active integration. */
export const sdkIntegrationStateSchema = z
  .object({
    enabled: z.boolean(),
    credentialId: z.uuid().optional(),
    credentialConfigId: z.uuid().optional(),
    credentialStatus: credentialStatusSchema.optional(),
    providerId: z.string().nullable().optional(),
    providerData: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    allCredentials: z.array(credentialSchema),
    allConfigurations: z.array(credentialConfigurationSchema),
    sharedSettings: settingsMapSchema.optional(),
    workflowSettings: workflowSettingsSchema,
    configuredWorkflows: workflowSettingsSchema,
    externalId: z.string().nullable().optional(),
  })
  .meta({ id: 'SdkIntegrationState' });
export type SdkIntegrationState = z.infer<typeof sdkIntegrationStateSchema>;

/** Every add-on the official client gates on; an open platform has all of them. */
export const connectAddOns = [
  'byo',
  'dfm',
  'headless-cp',
  'th-api',
  'monitoring',
  'rbac',
  'user-metadata',
  'whitelabel',
  'workflow-permissions',
] as const;

export const sdkProjectSchema = z.object({
  id: z.uuid(),
  billingPlan: z.string(),
  accessibleFeatures: z.array(z.string()),
});

export const sdkResourceSchema = z.object({
  id: z.string(),
  slug: z.string(),
  credentialId: z.string().optional(),
  credentialStatus: credentialStatusSchema.optional(),
  integrationId: z.string().optional(),
});

/** GET /projects/:projectId/sdk/me. One entry per active integration, connected or not. */
export const meResponseSchema = z
  .object({
    authenticated: z.literal(true),
    userId: z.string(),
    integrations: z.record(z.string(), sdkIntegrationStateSchema),
    meta: userMetaSchema,
    resources: z.array(sdkResourceSchema),
    project: sdkProjectSchema,
  })
  .meta({ id: 'Me' });
export type MeResponse = z.infer<typeof meResponseSchema>;

/** PATCH /projects/:projectId/sdk/me: `meta` is shallow-merged into the stored metadata. */
export const patchMeBodySchema = z.object({ meta: userMetaSchema }).strict().meta({ id: 'PatchMeBody' });
export type PatchMeBody = z.infer<typeof patchMeBodySchema>;
