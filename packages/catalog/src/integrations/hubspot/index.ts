import { defineIntegration } from '../../integrationDefinition';
import { monogramIcon } from '../../monogramIcon';

const brandColor = '#FF7A59';

export const hubspot = defineIntegration({
  type: 'hubspot',
  name: 'HubSpot',
  brandColor,
  icon: monogramIcon('HS', brandColor),
  category: 'crm',
  description: 'Sync contacts, companies and deals with HubSpot CRM.',
  overview: `Connect your HubSpot account to:

- create and update contacts and companies from this app
- read deals and their pipeline stages
- keep records in sync in both directions`,
  docsUrl: 'https://developers.hubspot.com/docs/api-reference/auth-oauth-v3/guide',
  auth: {
    type: 'oauth2',
    authorizationUrl: 'https://app.hubspot.com/oauth/authorize',
    // The date-versioned OAuth API; v1 (/oauth/v1/token) is deprecated on 2027-02-16:
    // https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/migration-guide
    // Parameters go in the form body only. The response matches v1: access_token, refresh_token,
    // expires_in (1800 s), hub_id, user_id and `scopes` as an array.
    tokenUrl: 'https://api.hubapi.com/oauth/2026-03/token',
    // https://developers.hubspot.com/docs/api-reference/latest/authentication/oauth-tokens/revoke-token
    revocation: {
      url: 'https://api.hubapi.com/oauth/2026-03/token/revoke',
      method: 'POST',
      token: 'refresh',
      tokenPlacement: 'form',
      clientAuthentication: 'body',
    },
    // `oauth` is required for every app; the rest are this catalog's defaults.
    scopes: [
      'oauth',
      'crm.objects.contacts.read',
      'crm.objects.contacts.write',
      'crm.objects.companies.read',
      'crm.objects.companies.write',
      'crm.objects.deals.read',
    ],
    clientAuthentication: 'body',
    // The token endpoint documents `code_verifier`.
    pkce: true,
    // HubSpot says a 401 is not a reliable signal to refresh: refresh ahead of expires_in.
    // https://developers.hubspot.com/docs/api/usage-details
    refresh: { refreshToken: 'always', rotates: false },
    tokenResponse: { scopePath: 'scopes' },
  },
  api: {
    baseUrl: 'https://api.hubapi.com',
    allowedHosts: ['api.hubapi.com'],
    rateLimit: {
      // OAuth calls get the per-interval headers but not the Daily ones:
      // https://developers.hubspot.com/changelog/rate-limit-headers-will-now-appear-for-oauth-authenticated-calls
      limitHeader: 'X-HubSpot-RateLimit-Max',
      remainingHeader: 'X-HubSpot-RateLimit-Remaining',
      windowHeader: { name: 'X-HubSpot-RateLimit-Interval-Milliseconds', unit: 'milliseconds' },
    },
  },
  account: {
    // hub_id in the token response since 2025-08-18:
    // https://developers.hubspot.com/changelog/additional-details-returned-when-generating-oauth-access-tokens
    providerId: { token: 'hub_id' },
    providerData: { hubId: { token: 'hub_id' }, userId: { token: 'user_id' } },
  },
});
