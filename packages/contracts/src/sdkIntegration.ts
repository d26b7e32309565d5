import { z } from 'zod';

/** A deployed workflow as the SDK lists it under an integration. */
export const workflowSummarySchema = z
  .object({
    id: z.uuid(),
    description: z.string(),
    projectId: z.uuid(),
    integrationId: z.uuid(),
    isOnboardingWorkflow: z.boolean(),
    steps: z.array(z.unknown()),
    dateCreated: z.string(),
    dateUpdated: z.string(),
  })
  .meta({ id: 'WorkflowSummary' });
export type WorkflowSummary = z.infer<typeof workflowSummarySchema>;

/**
 * The kinds of User Setting the Connect Portal renders. Our portal is our own, so these are our names
 * (Paragon's docs call them ValueText/Number/Email/URL/Password, TextArea, Switch, Enum, CustomDropdown).
 */
export const connectInputTypes = [
  'TEXT',
  'NUMBER',
  'BOOLEAN',
  'EMAIL',
  'URL',
  'PASSWORD',
  'TEXTAREA',
  'ENUM',
  'CUSTOM_DROPDOWN',
] as const;

/** An input shown in the portal (User Settings of an integration or a workflow). */
export const connectInputSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'use letters, digits, _ . -'),
    title: z.string().min(1).max(200),
    type: z.enum(connectInputTypes),
    subtitle: z.string().max(500).optional(),
    placeholder: z.string().max(200).optional(),
    required: z.boolean().optional(),
    defaultValue: z.json().optional(),
    /** ENUM: the choices. */
    options: z
      .array(z.object({ label: z.string().min(1).max(200), value: z.string().max(500) }))
      .max(500)
      .optional(),
    /** CUSTOM_DROPDOWN: the key of the options the app passes (`connect(type, { dropdowns: { [key]: [...] } })`). */
    dropdownKey: z.string().min(1).max(100).optional(),
    /** NUMBER bounds. */
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .superRefine((input, ctx) => {
    if (input.type === 'ENUM' && !input.options?.length) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'an ENUM input needs options' });
    }
    if (input.type === 'CUSTOM_DROPDOWN' && !input.dropdownKey) {
      ctx.addIssue({
        code: 'custom',
        path: ['dropdownKey'],
        message: 'a CUSTOM_DROPDOWN input needs a dropdownKey',
      });
    }
  })
  .meta({ id: 'ConnectInput' });
export type ConnectInput = z.infer<typeof connectInputSchema>;

/** `configs[0].values`: the Connect Portal configuration of an integration (ModalConfig). */
export const modalConfigSchema = z.object({
  accentColor: z.string(),
  description: z.string(),
  overview: z.string(),
  workflowMeta: z.record(
    z.string(),
    z.object({
      id: z.string(),
      description: z.string().optional(),
      defaultEnabled: z.boolean().optional(),
      hidden: z.boolean().optional(),
      inputs: z.array(connectInputSchema),
    }),
  ),
  sharedMeta: z.object({ inputs: z.array(connectInputSchema) }),
});
export type ModalConfig = z.infer<typeof modalConfigSchema>;

export const authenticationTypeSchema = z.enum(['oauth', 'basic', 'oauth_client_credential']);

/** GET /projects/:projectId/sdk/integrations item (seed example; wire protocol 12.4). */
export const sdkIntegrationSchema = z
  .object({
    id: z.uuid(),
    dateCreated: z.string(),
    dateUpdated: z.string(),
    projectId: z.uuid(),
    customIntegrationId: z.null(),
    customIntegration: z.null(),
    type: z.string(),
    isActive: z.boolean(),
    configs: z.array(
      z.object({
        id: z.uuid(),
        integrationId: z.uuid(),
        dateCreated: z.string(),
        dateUpdated: z.string(),
        values: modalConfigSchema,
      }),
    ),
    workflows: z.array(workflowSummarySchema),
    hasCredential: z.boolean(),
    connectedUserLimitOnDevCred: z.number(),
    connectedUserLimitReached: z.boolean(),
    name: z.string(),
    brandColor: z.string(),
    icon: z.string(),
    needPreOauthInputs: z.boolean(),
    providerType: z.string(),
    authenticationType: authenticationTypeSchema,
    sdkIntegrationConfig: z.object({
      oauthInputs: z.array(connectInputSchema),
      accountTypes: z.array(z.object({ id: z.string(), scheme: z.string(), accountDescription: z.string() })),
      authConfigInputs: z.array(connectInputSchema),
      postOauthInputs: z.array(connectInputSchema),
      dataSources: z.record(z.string(), z.unknown()),
    }),
  })
  .meta({ id: 'SdkIntegration' });
export type SdkIntegration = z.infer<typeof sdkIntegrationSchema>;

/** `getIntegrationMetadata()` item. */
export const integrationMetadataSchema = z.object({
  type: z.string(),
  name: z.string(),
  brandColor: z.string(),
  icon: z.string(),
});
export type IntegrationMetadata = z.infer<typeof integrationMetadataSchema>;
