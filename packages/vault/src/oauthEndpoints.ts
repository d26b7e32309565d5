import type { IntegrationDefinition, OAuth2Auth } from '@switchboard/catalog';
import { AppError } from '@switchboard/contracts';

export type OAuthEndpoints = {
  auth: OAuth2Auth;
  authorizationUrl: string;
  tokenUrl: string;
  revocationUrl: string | undefined;
};

/** The OAuth URL templates of an entry, with an account type's overrides (Salesforce sandbox orgs) applied. */
export function oauthEndpoints(definition: IntegrationDefinition, accountType?: string): OAuthEndpoints {
  const { auth } = definition;
  if (auth.type !== 'oauth2') {
    throw new Error(`"${definition.type}" is an API-key integration; it has no OAuth endpoints`);
  }
  let override: NonNullable<IntegrationDefinition['accountTypes']>[number] | undefined;
  if (accountType !== undefined) {
    override = definition.accountTypes?.find((candidate) => candidate.id === accountType);
    if (!override) {
      const known = definition.accountTypes?.map((candidate) => candidate.id).join(', ');
      throw new AppError(
        'INSTALL_INPUT_INVALID',
        400,
        known
          ? `Account type "${accountType}" does not exist for ${definition.name}; use one of: ${known}.`
          : `${definition.name} has no account types; leave accountType out.`,
      );
    }
  }
  return {
    auth,
    authorizationUrl: override?.authorizationUrl ?? auth.authorizationUrl,
    tokenUrl: override?.tokenUrl ?? auth.tokenUrl,
    revocationUrl: auth.revocation ? (override?.revocationUrl ?? auth.revocation.url) : undefined,
  };
}
