import type { Keyring } from '@switchboard/vault';
import { z } from 'zod';

/** What a credential's sealed blob holds. Parsed on every open: a blob that does not fit is an error. */
export const credentialSecretsSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('oauth2'),
    accessToken: z.string(),
    refreshToken: z.string().optional(),
    expiresAt: z.string().optional(),
    scope: z.array(z.string()).optional(),
    extraTokens: z.record(z.string(), z.string()).default({}),
  }),
  z.object({ kind: z.literal('apiKey'), fields: z.record(z.string(), z.string()) }),
]);
export type CredentialSecrets = z.infer<typeof credentialSecretsSchema>;

export function sealCredentialSecrets(
  keyring: Keyring,
  secrets: CredentialSecrets,
): { sealed: string; keyId: string } {
  return { sealed: keyring.seal(JSON.stringify(secrets)), keyId: keyring.currentKeyId };
}

export function openCredentialSecrets(keyring: Keyring, sealed: string): CredentialSecrets {
  return credentialSecretsSchema.parse(JSON.parse(keyring.open(sealed)));
}
