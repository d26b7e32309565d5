import { defineIntegration } from '../../integrationDefinition';
import { monogramIcon } from '../../monogramIcon';

const brandColor = '#008060';

export const shopify = defineIntegration({
  type: 'shopify',
  name: 'Shopify',
  brandColor,
  icon: monogramIcon('SH', brandColor),
  category: 'ecommerce',
  description: 'Read products, orders and customers from a Shopify store.',
  overview: `Connect your Shopify store to:

- import products and inventory levels
- follow new and updated orders
- sync customers with this app`,
  docsUrl: 'https://shopify.dev/docs/api/admin-graphql',
  auth: {
    type: 'oauth2',
    // Every store is its own authorization server, so the shop is asked for before redirecting.
    inputs: [
      {
        id: 'shop',
        title: 'Shop subdomain',
        subtitle: 'The part before .myshopify.com',
        placeholder: 'my-store',
        pattern: '[a-zA-Z0-9][a-zA-Z0-9-]{0,62}',
      },
    ],
    // Authorization code grant: https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant
    authorizationUrl: 'https://{{shop}}.myshopify.com/admin/oauth/authorize',
    tokenUrl: 'https://{{shop}}.myshopify.com/admin/oauth/access_token',
    // Without expiring=1 Shopify issues a non-expiring offline token, which public apps may no longer
    // use from 2027-01-01; expiring tokens last 1 h and come with a refresh token that Shopify replaces
    // on every use: https://shopify.dev/docs/apps/build/security/credentials-and-data/use-expiring-offline-access-tokens
    // (the parameter name is from Shopify's client libraries; the docs pages found do not show it).
    tokenParams: { expiring: '1' },
    // Uninstalls the app from the store (REST, widely used; not re-confirmed against current docs).
    revocation: {
      url: 'https://{{shop}}.myshopify.com/admin/api_permissions/current.json',
      method: 'DELETE',
      token: 'access',
      tokenPlacement: 'requestAuth',
    },
    scopes: ['read_products', 'read_orders', 'read_customers'],
    scopeSeparator: ',',
    clientAuthentication: 'body',
    pkce: false,
    refresh: { refreshToken: 'always', rotates: true },
    // Shopify does not take a Bearer token: https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens
    injection: { type: 'header', name: 'X-Shopify-Access-Token', value: '{{accessToken}}' },
  },
  api: {
    // Admin API, GraphQL at /graphql.json (REST is legacy). Versions are quarterly (YYYY-01/04/07/10)
    // and supported for 12 months: bump this.
    baseUrl: 'https://{{shop}}.myshopify.com/admin/api/2026-04',
    allowedHosts: ['{{shop}}.myshopify.com'],
    rateLimit: {
      // REST leaky bucket, e.g. `32/40`; GraphQL reports its cost budget in extensions.cost instead:
      // https://shopify.dev/docs/api/admin-rest/usage/rate-limits
      usageHeader: { name: 'X-Shopify-Shop-Api-Call-Limit', pattern: '^(?<used>\\d+)/(?<limit>\\d+)$' },
    },
  },
  account: {
    providerId: { input: 'shop' },
    providerData: { shop: { input: 'shop' } },
  },
});
