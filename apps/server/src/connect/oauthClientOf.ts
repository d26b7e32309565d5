import type { IntegrationDefinition } from '@switchboard/catalog';
import { AppError } from '@switchboard/contracts';
import type { IntegrationRow } from '@switchboard/db';
import type { Keyring } from '@switchboard/vault';

/**
 * The built-in sandbox's OAuth client. It is a local practice app, so its credentials are public
 * knowledge (docs/connect-design.md); a project may still set its own.
 */
export const SANDBOX_OAUTH_CLIENT = {
  clientId: 'switchboard-sandbox',
  clientSecret: 'sandbox-secret',
} as const;

/** Client secrets are stored sealed ("sb1.…"); a value stored before sealing existed is read as is. */
export function openClientSecret(keyring: Keyring, stored: string): string {
  return stored.startsWith('sb1.') ? keyring.open(stored) : stored;
}

/** The OAuth client a project configured for an integration (or the sandbox's). */
export function oauthClientOf(
  row: IntegrationRow,
  definition: IntegrationDefinition,
  keyring: Keyring,
): { clientId: string; clientSecret: string } {
  if (row.clientId && row.clientSecret) {
    return { clientId: row.clientId, clientSecret: openClientSecret(keyring, row.clientSecret) };
  }
  if (definition.local) return SANDBOX_OAUTH_CLIENT;
  throw new AppError(
    'INTEGRATION_NOT_CONFIGURED',
    400,
    `${definition.name} has no OAuth client in this project; set one with \`switchboard integration enable --type ${definition.type} --client-id … --client-secret …\` (redirect URI: <your Switchboard origin>/oauth/callback).`,
  );
}
