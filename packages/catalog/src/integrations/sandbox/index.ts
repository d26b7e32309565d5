import { defineIntegration } from '../../integrationDefinition';
import { monogramIcon } from '../../monogramIcon';

const brandColor = '#0F766E';

/**
 * The practice app Switchboard serves itself under `/sandbox/` (apps/server/src/sandbox): a real OAuth
 * 2.0 authorization server and a small contacts API, so the whole connect flow can be tried offline.
 * `{{switchboardOrigin}}` is the server's own origin, filled at runtime; client id `switchboard-sandbox`,
 * secret `sandbox-secret` (public knowledge: it guards nothing of value).
 */
export const sandbox = defineIntegration({
  type: 'sandbox',
  name: 'Sandbox CRM',
  local: true,
  brandColor,
  icon: monogramIcon('SB', brandColor),
  category: 'crm',
  description:
    'A built-in practice CRM for trying Switchboard offline: OAuth consent, expiring tokens, contacts.',
  overview: `Sandbox CRM is a built-in practice app that behaves like a real SaaS, for trying Switchboard offline.
It is served by this Switchboard server itself; no account anywhere else is needed.

Connecting it walks through a real OAuth 2.0 flow:

- a consent screen where you pick a workspace name and allow or deny access
- access tokens that expire after an hour and refresh tokens that rotate on every use
- a small contacts API to read and create contacts through the proxy

Nothing you do here reaches a third party.`,
  // The sandbox is documented by the standard it implements.
  docsUrl: 'https://www.rfc-editor.org/rfc/rfc6749',
  auth: {
    type: 'oauth2',
    authorizationUrl: '{{switchboardOrigin}}/sandbox/oauth/authorize',
    tokenUrl: '{{switchboardOrigin}}/sandbox/oauth/token',
    // RFC 7009. Revoking the refresh token ends the whole grant (its access tokens too).
    revocation: {
      url: '{{switchboardOrigin}}/sandbox/oauth/revoke',
      method: 'POST',
      token: 'refresh',
      tokenPlacement: 'form',
      clientAuthentication: 'basic',
    },
    scopes: ['contacts.read', 'contacts.write'],
    clientAuthentication: 'basic',
    pkce: true,
    // Every refresh returns a new refresh token; reusing a rotated one is refused and ends the grant.
    refresh: { refreshToken: 'always', rotates: true },
  },
  api: {
    baseUrl: '{{switchboardOrigin}}/sandbox/api',
    allowedHosts: ['{{switchboardOrigin}}'],
  },
  account: {
    request: { method: 'GET', url: '/me' },
    providerId: { identity: 'id' },
    providerData: { workspace: { identity: 'workspace' }, email: { identity: 'email' } },
  },
});
