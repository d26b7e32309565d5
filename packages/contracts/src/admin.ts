import { z } from 'zod';
import { connectInputSchema, workflowSummarySchema } from './sdkIntegration';
import { ttlSchema } from './userToken';

const pemPublicKey = z
  .string()
  .max(20_000)
  .regex(/-----BEGIN PUBLIC KEY-----/, 'must be an SPKI PEM ("-----BEGIN PUBLIC KEY-----")');

/** POST /admin/projects (instance admin key). */
export const createProjectBodySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    publicKey: pemPublicKey.optional(),
  })
  .strict()
  .meta({ id: 'CreateProjectBody' });
export type CreateProjectBody = z.infer<typeof createProjectBodySchema>;

/** `apiKey` and `signingKey` are secrets shown only in this response. */
export const createProjectResponseSchema = z
  .object({
    projectId: z.uuid(),
    name: z.string(),
    apiKey: z.string(),
    signingKeyId: z.uuid(),
    signingKey: z.string().nullable(),
  })
  .meta({ id: 'CreateProjectResponse' });
export type CreateProjectResponse = z.infer<typeof createProjectResponseSchema>;

export const projectSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    dateCreated: z.string(),
    signingKeys: z.array(
      z.object({ id: z.uuid(), publicKey: z.string(), isActive: z.boolean(), dateCreated: z.string() }),
    ),
  })
  .meta({ id: 'Project' });
export type Project = z.infer<typeof projectSchema>;

/** POST /admin/projects/:projectId/signing-keys: register a public key, or generate a pair. */
export const addSigningKeyBodySchema = z.object({ publicKey: pemPublicKey.optional() }).strict();
export const addSigningKeyResponseSchema = z.object({
  signingKeyId: z.uuid(),
  signingKey: z.string().nullable(),
});

/** POST /admin/projects/:projectId/integrations: activate a catalog integration for a project. */
export const enableIntegrationBodySchema = z
  .object({
    type: z.string().min(1).max(100),
    clientId: z.string().min(1).max(1000).optional(),
    clientSecret: z.string().min(1).max(4000).optional(),
    scopes: z.array(z.string().min(1).max(500)).max(200).optional(),
    description: z.string().max(500).optional(),
    overview: z.string().max(20_000).optional(),
    accentColor: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour like #4A154B')
      .optional(),
    /** Integration-level User Settings shown in the Connect Portal (replaces the stored list when given). */
    userSettings: z.array(connectInputSchema).max(100).optional(),
  })
  .strict()
  .meta({ id: 'EnableIntegrationBody' });
export type EnableIntegrationBody = z.infer<typeof enableIntegrationBodySchema>;

/** An integration as the admin API shows it. The client secret is never returned, only whether one is set. */
export const adminIntegrationSchema = z
  .object({
    id: z.uuid(),
    projectId: z.uuid(),
    type: z.string(),
    isActive: z.boolean(),
    clientId: z.string().nullable(),
    hasClientSecret: z.boolean(),
    scopes: z.array(z.string()),
    dateCreated: z.string(),
    dateUpdated: z.string(),
  })
  .meta({ id: 'AdminIntegration' });
export type AdminIntegration = z.infer<typeof adminIntegrationSchema>;

/** POST /admin/projects/:projectId/workflows: register a workflow's identity (steps come with the engine). */
export const createWorkflowBodySchema = z
  .object({
    integration: z.string().min(1).max(100),
    description: z.string().trim().min(1).max(500),
    /** Workflow-level User Settings, shown in the portal when the user enables the workflow. */
    inputs: z.array(connectInputSchema).max(100).optional(),
  })
  .strict()
  .meta({ id: 'CreateWorkflowBody' });
export type CreateWorkflowBody = z.infer<typeof createWorkflowBodySchema>;
export const adminWorkflowSchema = workflowSummarySchema;

/** POST /admin/projects/:projectId/user-tokens: sign a User Token with a key the caller holds. */
export const createUserTokenBodySchema = z
  .object({
    userId: z.string().min(1).max(512),
    signingKey: z
      .string()
      .max(20_000)
      .regex(/-----BEGIN (RSA )?PRIVATE KEY-----/, 'must be a PKCS#8 PEM private key'),
    ttl: ttlSchema.default(3600),
    audience: z.string().max(500).optional(),
  })
  .strict()
  .meta({ id: 'CreateUserTokenBody' });
export type CreateUserTokenBody = z.input<typeof createUserTokenBodySchema>;
export const createUserTokenResponseSchema = z.object({ token: z.string(), expiresAt: z.string() });

/** POST /admin/keys/rotate takes no options; a body, if sent, must be an empty object. */
export const rotateKeysBodySchema = z.object({}).strict().nullish();

const sealedValueTable = z.enum(['credentialSecrets', 'integrations', 'oauthSessions']);
const resealCountsSchema = z.object({
  /** Values re-sealed under the current key (plain legacy client secrets sealed for the first time). */
  resealed: z.number().int(),
  /** Values already under the current key, untouched. */
  alreadyCurrent: z.number().int(),
  /** Values rewritten by someone else between read and write (e.g. a token refresh): read again. */
  retried: z.number().int(),
  /** Values that could not be opened (unknown key, altered): left untouched, listed in `unopenable`. */
  unopenable: z.number().int(),
});

/** POST /admin/keys/rotate (instance admin key): every sealed value re-sealed under the current key. */
export const rotateKeysResponseSchema = z
  .object({
    /** The key every value is now sealed with. */
    currentKeyId: z.string(),
    /** The key that was current before (the same in env mode when the operator already switched). */
    previousKeyId: z.string(),
    /** File mode: a new key was generated into the key file. Env mode: false (the operator supplies it). */
    generatedKey: z.boolean(),
    tables: z.object({
      credentialSecrets: resealCountsSchema,
      integrations: resealCountsSchema,
      oauthSessions: resealCountsSchema,
    }),
    /** Values left untouched because they could not be opened; at most 100 listed, `count` is all. */
    unopenable: z.object({
      count: z.number().int(),
      values: z.array(
        z.object({
          table: sealedValueTable,
          id: z.string(),
          keyId: z.string().nullable(),
          reason: z.string(),
        }),
      ),
    }),
  })
  .meta({ id: 'RotateKeysResponse' });
export type RotateKeysResponse = z.infer<typeof rotateKeysResponseSchema>;
