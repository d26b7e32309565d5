import type { IntegrationDefinition } from '@switchboard/catalog';
import { type Database, findCredentialSecrets, type IntegrationRow } from '@switchboard/db';
import { type Keyring, revokeTokens } from '@switchboard/vault';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { openCredentialSecrets } from './credentialSecrets';
import { oauthClientOf } from './oauthClientOf';

/**
 * Ends a credential's grant at the provider before it is deleted, where the provider supports
 * revocation. Best effort: a provider that is down must not keep a user from disconnecting, so
 * failures are logged (without secrets) and the deletion goes on.
 */
export async function revokeCredential(
  deps: { db: Kysely<Database>; keyring: Keyring; fetch: typeof fetch; log: FastifyBaseLogger },
  input: {
    credential: { id: string; inputs: Record<string, string> };
    integration: IntegrationRow;
    definition: IntegrationDefinition;
    switchboardOrigin: string;
  },
): Promise<boolean> {
  try {
    const stored = await findCredentialSecrets(deps.db, input.credential.id);
    if (!stored || input.definition.auth.type !== 'oauth2') return false;
    const secrets = openCredentialSecrets(deps.keyring, stored.sealed);
    if (secrets.kind !== 'oauth2') return false;
    const client = oauthClientOf(input.integration, input.definition, deps.keyring);
    const { revoked } = await revokeTokens({
      definition: input.definition,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      tokenSet: {
        accessToken: secrets.accessToken,
        ...(secrets.refreshToken ? { refreshToken: secrets.refreshToken } : {}),
      },
      templateValues: { ...input.credential.inputs, switchboardOrigin: input.switchboardOrigin },
      fetch: deps.fetch,
      timeoutMs: 5_000,
    });
    return revoked;
  } catch (error) {
    deps.log.warn(
      {
        credentialId: input.credential.id,
        integration: input.integration.type,
        code: (error as { code?: string }).code,
      },
      'token revocation at the provider failed; deleting the credential anyway',
    );
    return false;
  }
}
