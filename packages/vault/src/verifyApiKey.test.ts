import { getIntegrationDefinition } from '@switchboard/catalog';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { appErrorOf } from './testing/appErrorOf';
import {
  defineQuirkyIntegration,
  type QuirkyProvider,
  startQuirkyProvider,
} from './testing/startQuirkyProvider';
import { verifyApiKey } from './verifyApiKey';

let provider: QuirkyProvider;
beforeAll(async () => {
  provider = await startQuirkyProvider();
});
afterAll(() => provider.close());

/** The real Stripe entry, with its API moved to the test network. */
function stripeLike() {
  const stripe = getIntegrationDefinition('stripe');
  if (!stripe) throw new Error('stripe missing');
  return defineQuirkyIntegration({
    auth: stripe.auth,
    account: stripe.account,
    api: { baseUrl: 'https://quirky.test', allowedHosts: ['quirky.test'] },
  } as Parameters<typeof defineQuirkyIntegration>[0]);
}

describe('verifyApiKey', () => {
  test('sends the key as the entry injects it and reads the account from the response', async () => {
    const account = await verifyApiKey({
      definition: stripeLike(),
      fields: { apiKey: 'sk_test_good' },
      templateValues: {},
      fetch: provider.fetch,
    });
    expect(account).toEqual({ providerId: 'acct_1', providerData: { accountId: 'acct_1' } });
    const request = provider.requests.at(-1);
    expect(request).toMatchObject({ method: 'GET', path: '/v1/account' });
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from('sk_test_good:').toString('base64')}`);
  });

  test('401 and 403 mean the provider refused the key', async () => {
    for (const [apiKey, status] of [
      ['sk_test_wrong', 401],
      ['sk_test_forbidden', 403],
    ] as const) {
      const error = await appErrorOf(
        verifyApiKey({
          definition: stripeLike(),
          fields: { apiKey },
          templateValues: {},
          fetch: provider.fetch,
        }),
      );
      expect(error).toMatchObject({ code: 'API_KEY_REJECTED', status: 400 });
      expect(error.message).toMatch(new RegExp(`^Quirky refused the API key \\(HTTP ${status}\\)`));
      expect(error.message).not.toContain(apiKey);
    }
  });

  test("other failures are the provider's, and the key is checked against its pattern first", async () => {
    const boom = await appErrorOf(
      verifyApiKey({
        definition: stripeLike(),
        fields: { apiKey: 'sk_test_boom' },
        templateValues: {},
        fetch: provider.fetch,
      }),
    );
    expect(boom).toMatchObject({ code: 'OAUTH_BAD_RESPONSE', status: 502 });

    const before = provider.requests.length;
    const malformed = await appErrorOf(
      verifyApiKey({
        definition: stripeLike(),
        fields: { apiKey: 'pk_live_nope' },
        templateValues: {},
        fetch: provider.fetch,
      }),
    );
    expect(malformed).toMatchObject({ code: 'INSTALL_INPUT_INVALID', status: 400 });
    expect(malformed.message).not.toContain('pk_live_nope');
    const missing = await appErrorOf(
      verifyApiKey({ definition: stripeLike(), fields: {}, templateValues: {}, fetch: provider.fetch }),
    );
    expect(missing.message).toBe('"Secret or restricted API key" (apiKey) is required.');
    expect(provider.requests.length).toBe(before);
  });
});
