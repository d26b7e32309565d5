import type { AccountIdentityInput, OAuth2AuthInput } from './integrationDefinition';

/*
 * Google's OAuth 2.0 for web server apps, shared by every Google Workspace integration:
 * https://developers.google.com/identity/protocols/oauth2/web-server
 */

/** Needed for the userinfo call below (non-sensitive scopes). */
const identityScopes = ['openid', 'https://www.googleapis.com/auth/userinfo.email'];

export function googleOAuth2(apiScopes: readonly string[]): OAuth2AuthInput {
  return {
    type: 'oauth2',
    authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    // POST form `token=`; revoking the refresh token revokes the grant (web-server page, "Revoking a token").
    revocation: {
      url: 'https://oauth2.googleapis.com/revoke',
      method: 'POST',
      token: 'refresh',
      tokenPlacement: 'form',
    },
    scopes: [...identityScopes, ...apiScopes],
    clientAuthentication: 'body',
    pkce: true,
    // Google issues a refresh token only with access_type=offline, and only on first consent unless
    // prompt=consent forces the consent screen again (reconnects would otherwise get none).
    authorizationParams: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
    // Refresh tokens do not rotate; they die on revocation, password change, 6 months unused, or after
    // 7 days while the OAuth consent screen is in "Testing" (widely documented; see the page above).
    refresh: { refreshToken: 'always', rotates: false },
  };
}

/** The token response names no account, so ask the OpenID userinfo endpoint (on an allowed host). */
export const googleAccountIdentity: AccountIdentityInput = {
  request: { method: 'GET', url: 'https://www.googleapis.com/oauth2/v3/userinfo' },
  providerId: { identity: 'sub' },
  providerData: { email: { identity: 'email' } },
};
