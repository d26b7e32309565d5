import { defineIntegration } from '../../integrationDefinition';
import { monogramIcon } from '../../monogramIcon';

const brandColor = '#635BFF';

export const stripe = defineIntegration({
  type: 'stripe',
  name: 'Stripe',
  brandColor,
  icon: monogramIcon('ST', brandColor),
  category: 'payments',
  description: 'Read customers, payments and subscriptions from Stripe.',
  overview: `Connect your Stripe account with an API key to:

- look up customers and their subscriptions
- follow payments, refunds and invoices
- create customers and invoices from this app

A restricted key (rk_…) limited to what you need is safer than your secret key.`,
  docsUrl: 'https://docs.stripe.com/api',
  auth: {
    type: 'apiKey',
    fields: [
      {
        id: 'apiKey',
        title: 'Secret or restricted API key',
        placeholder: 'rk_live_…',
        secret: true,
        pattern: '[sr]k_(test|live)_[A-Za-z0-9]+',
      },
    ],
    // "Provide your API key as the basic auth username value. You do not need to provide a password."
    // https://docs.stripe.com/api/authentication
    injection: { type: 'basic', username: '{{apiKey}}', password: '' },
    // Retrieves the key's own account. A restricted key needs read access to it (not confirmed in docs).
    verification: { method: 'GET', url: '/v1/account' },
  },
  api: {
    // Paths carry the version prefix: request('stripe', '/v1/customers').
    baseUrl: 'https://api.stripe.com',
    // File uploads go to files.stripe.com.
    allowedHosts: ['api.stripe.com', 'files.stripe.com'],
    // 429 without documented reset headers: back off and retry.
  },
  // For API keys, { identity } reads the verification response.
  account: { providerId: { identity: 'id' }, providerData: { accountId: { identity: 'id' } } },
});
