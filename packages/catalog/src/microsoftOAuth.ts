import type { OAuth2AuthInput } from './integrationDefinition';

/*
 * The Microsoft identity platform (v2.0 endpoints), shared by the Microsoft Graph integrations:
 * https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
 */

/** Microsoft Graph v1.0; rate limits are 429 with Retry-After: https://learn.microsoft.com/en-us/graph/throttling */
export const microsoftGraphBaseUrl = 'https://graph.microsoft.com/v1.0';

/**
 * `tenant`: `common` lets work/school and personal Microsoft accounts sign in; `organizations` only
 * work/school accounts (SharePoint has no personal accounts).
 */
export function microsoftOAuth2(
  tenant: 'common' | 'organizations',
  graphScopes: readonly string[],
): OAuth2AuthInput {
  return {
    type: 'oauth2',
    authorizationUrl: `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/authorize`,
    tokenUrl: `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token`,
    // No token revocation endpoint exists: Graph's revokeSignInSessions would sign the user out of every
    // app. Disconnecting deletes the tokens here; the user can remove the app at myapps.microsoft.com.
    // `offline_access` is what makes the token endpoint return a refresh token at all.
    scopes: [...graphScopes, 'offline_access'],
    // Confidential web apps send client_secret in the form body (the auth-code-flow page above).
    clientAuthentication: 'body',
    pkce: true,
    // Refresh tokens "replace themselves with a fresh token upon every use" and last 90 days (24 h for
    // SPA redirect URIs): https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens —
    // the old one is not revoked, but store the new one. Access tokens live 60–90 minutes.
    // Microsoft documents `scope` on refresh requests too; the vault sends none, which should yield the
    // scopes already granted (not yet checked against a live tenant).
    refresh: { refreshToken: 'always', rotates: true },
  };
}
