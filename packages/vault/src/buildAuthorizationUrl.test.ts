import { getIntegrationDefinition } from '@switchboard/catalog';
import { describe, expect, test } from 'vitest';
import { buildAuthorizationUrl } from './buildAuthorizationUrl';
import { appErrorOf } from './testing/appErrorOf';
import { defineQuirkyIntegration } from './testing/startQuirkyProvider';

const base = {
  clientId: 'client-1',
  redirectUri: 'https://switchboard.example/oauth/callback',
  state: 'state-123',
  templateValues: {},
};

function catalogEntry(type: string) {
  const definition = getIntegrationDefinition(type);
  if (!definition) throw new Error(`${type} missing from the catalog`);
  return definition;
}

describe('buildAuthorizationUrl', () => {
  test("adds the standard parameters, PKCE and the entry's extra parameters", () => {
    const definition = defineQuirkyIntegration({ auth: { authorizationParams: { prompt: 'consent' } } });
    const url = new URL(
      buildAuthorizationUrl({
        ...base,
        definition,
        scopes: ['contacts.read', 'contacts.write'],
        codeChallenge: 'challenge-abc',
      }),
    );
    expect(url.origin + url.pathname).toBe('https://quirky.test/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: 'https://switchboard.example/oauth/callback',
      scope: 'contacts.read contacts.write',
      state: 'state-123',
      code_challenge: 'challenge-abc',
      code_challenge_method: 'S256',
      prompt: 'consent',
    });
  });

  test("joins scopes with the entry's separator and leaves PKCE out when the entry does not use it", () => {
    const url = new URL(
      buildAuthorizationUrl({
        ...base,
        definition: catalogEntry('slack'),
        scopes: ['channels:read', 'chat:write'],
        codeChallenge: 'challenge-abc',
      }),
    );
    expect(url.searchParams.get('scope')).toBe('channels:read,chat:write');
    expect(url.searchParams.has('code_challenge')).toBe(false);
    expect(url.searchParams.has('code_challenge_method')).toBe(false);
  });

  test("fills a local entry's URL with the server origin", () => {
    const url = buildAuthorizationUrl({
      ...base,
      definition: catalogEntry('sandbox'),
      scopes: ['contacts.read'],
      codeChallenge: 'c',
      templateValues: { switchboardOrigin: 'http://127.0.0.1:7070' },
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:7070\/sandbox\/oauth\/authorize\?response_type=code&/);
    expect(new URL(url).searchParams.get('code_challenge_method')).toBe('S256');
  });

  test("uses the account type's authorization URL", () => {
    const salesforce = catalogEntry('salesforce');
    const url = new URL(
      buildAuthorizationUrl({ ...base, definition: salesforce, accountType: 'sandbox', scopes: ['api'] }),
    );
    expect(url.host).toBe('test.salesforce.com');
    expect(new URL(buildAuthorizationUrl({ ...base, definition: salesforce, scopes: ['api'] })).host).toBe(
      'login.salesforce.com',
    );
  });

  test('validates every input before filling the URL', async () => {
    const shopify = catalogEntry('shopify');
    const url = new URL(
      buildAuthorizationUrl({
        ...base,
        definition: shopify,
        scopes: ['read_orders'],
        templateValues: { shop: 'my-store' },
      }),
    );
    expect(url.host).toBe('my-store.myshopify.com');

    for (const shop of ['evil.com/', 'attacker.example#', 'a b', '']) {
      const error = await appErrorOf(() =>
        buildAuthorizationUrl({ ...base, definition: shopify, scopes: [], templateValues: { shop } }),
      );
      expect(error).toMatchObject({ code: 'INSTALL_INPUT_INVALID', status: 400 });
      expect(error.message).toMatch(/^"Shop subdomain" \(shop\) (is required|is not valid: it must match)/);
    }
    const missing = await appErrorOf(() =>
      buildAuthorizationUrl({ ...base, definition: shopify, scopes: [] }),
    );
    expect(missing.message).toBe('"Shop subdomain" (shop) is required.');

    const unknownType = await appErrorOf(() =>
      buildAuthorizationUrl({
        ...base,
        definition: catalogEntry('salesforce'),
        accountType: 'nope',
        scopes: [],
      }),
    );
    expect(unknownType.message).toBe(
      'Account type "nope" does not exist for Salesforce; use one of: default, sandbox.',
    );
  });
});
