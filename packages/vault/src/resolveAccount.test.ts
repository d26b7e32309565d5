import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveAccount } from './resolveAccount';
import { appErrorOf } from './testing/appErrorOf';
import {
  defineQuirkyIntegration,
  type QuirkyProvider,
  startQuirkyProvider,
} from './testing/startQuirkyProvider';
import type { TokenSet } from './tokenSet';

let provider: QuirkyProvider;
beforeAll(async () => {
  provider = await startQuirkyProvider();
});
afterAll(() => provider.close());

const tokenSet = (accessToken: string, tokenResponse: Record<string, unknown> = {}): TokenSet => ({
  accessToken,
  extraTokens: {},
  tokenResponse: { access_token: accessToken, ...tokenResponse },
});

describe('resolveAccount', () => {
  test('reads the identity response, the token response and inputs; drops non-scalar data', async () => {
    const definition = defineQuirkyIntegration({
      auth: { inputs: [{ id: 'region', title: 'Region', pattern: '[a-z]{2}' }] },
      account: {
        request: { method: 'GET', url: '/me' },
        providerId: { identity: 'id' },
        providerData: {
          email: { identity: 'email' },
          verified: { identity: 'verified' },
          workspace: { identity: 'workspace.name' },
          tags: { identity: 'tags' },
          manager: { identity: 'manager' },
          missing: { identity: 'no.such.path' },
          accountRegion: { token: 'account.region' },
          region: { input: 'region' },
        },
      },
    });
    const account = await resolveAccount({
      definition,
      tokenSet: tokenSet('at-1', { account: { region: 'eu' } }),
      templateValues: { region: 'us' },
      fetch: provider.fetch,
    });
    expect(account).toEqual({
      providerId: '42',
      providerData: {
        email: 'ada@example.com',
        verified: true,
        workspace: 'Acme',
        accountRegion: 'eu',
        region: 'us',
      },
    });
    const request = provider.requests.at(-1);
    expect(request).toMatchObject({ method: 'GET', host: 'quirky.test', path: '/api/me' });
    expect(request?.headers.authorization).toBe('Bearer at-1');
  });

  test("calls absolute identity URLs on allowed hosts with the entry's injection", async () => {
    const definition = defineQuirkyIntegration({
      auth: { injection: { type: 'header', name: 'Authorization', value: 'Bearer {{accessToken}}' } },
      api: { baseUrl: 'https://quirky.test/api', allowedHosts: ['quirky.test', '*.quirky.test'] },
      account: { request: { url: 'https://id.quirky.test/api/me' }, providerId: { identity: 'email' } },
    });
    const account = await resolveAccount({
      definition,
      tokenSet: tokenSet('at-1'),
      templateValues: {},
      fetch: provider.fetch,
    });
    expect(account).toEqual({ providerId: 'ada@example.com', providerData: {} });
    expect(provider.requests.at(-1)?.host).toBe('id.quirky.test');
  });

  test('makes no request when every source is in the token response or the inputs', async () => {
    const definition = defineQuirkyIntegration({
      account: { providerId: { token: 'account.id' }, providerData: { region: { token: 'account.region' } } },
    });
    const before = provider.requests.length;
    const account = await resolveAccount({
      definition,
      tokenSet: tokenSet('at-1', { account: { id: 'acc-9', region: { nested: true } } }),
      templateValues: {},
      fetch: provider.fetch,
    });
    expect(account).toEqual({ providerId: 'acc-9', providerData: {} });
    expect(provider.requests.length).toBe(before);
  });

  test('refuses to send the token outside the allowed hosts (base URL from the token response)', async () => {
    const definition = defineQuirkyIntegration({
      api: { baseUrl: { fromProviderData: 'instanceUrl', path: '/api' }, allowedHosts: ['*.quirky.test'] },
      account: {
        request: { url: '/me' },
        providerId: { identity: 'id' },
        providerData: { instanceUrl: { token: 'instance_url' } },
      },
    });
    const good = await resolveAccount({
      definition,
      tokenSet: tokenSet('at-1', { instance_url: 'https://eu1.quirky.test' }),
      templateValues: {},
      fetch: provider.fetch,
    });
    expect(good).toEqual({ providerId: '42', providerData: { instanceUrl: 'https://eu1.quirky.test' } });
    expect(provider.requests.at(-1)).toMatchObject({ host: 'eu1.quirky.test', path: '/api/me' });

    const before = provider.requests.length;
    for (const instanceUrl of [
      'https://attacker.example',
      'http://eu1.quirky.test',
      'https://eu1.quirky.test:8443',
    ]) {
      const error = await appErrorOf(
        resolveAccount({
          definition,
          tokenSet: tokenSet('at-1', { instance_url: instanceUrl }),
          templateValues: {},
          fetch: provider.fetch,
        }),
      );
      expect(error.code).toBe('OAUTH_BAD_RESPONSE');
      expect(error.message).toMatch(/outside its allowed hosts/);
    }
    expect(provider.requests.length).toBe(before);
  });

  test('reports a refused identity request without the token', async () => {
    const definition = defineQuirkyIntegration({
      account: { request: { url: '/me' }, providerId: { identity: 'id' } },
    });
    const error = await appErrorOf(
      resolveAccount({
        definition,
        tokenSet: tokenSet('at-wrong'),
        templateValues: {},
        fetch: provider.fetch,
      }),
    );
    expect(error).toMatchObject({ code: 'OAUTH_BAD_RESPONSE', status: 502 });
    expect(error.message).toBe(
      'Quirky refused the new access token on the account identity request (HTTP 401); check the granted scopes.',
    );
  });
});
