import { describe, expect, test } from 'vitest';
import { defineIntegration, type IntegrationDefinitionInput } from './integrationDefinition';
import { monogramIcon } from './monogramIcon';

/** A small valid OAuth entry; each test breaks one thing. */
function oauthEntry(): IntegrationDefinitionInput {
  return {
    type: 'acme',
    name: 'Acme',
    brandColor: '#123456',
    icon: monogramIcon('A', '#123456'),
    category: 'crm',
    description: 'Acme CRM.',
    overview: 'Sync Acme records.',
    docsUrl: 'https://developer.acme.test/docs',
    auth: {
      type: 'oauth2',
      inputs: [{ id: 'tenant', title: 'Tenant', pattern: '[a-z0-9-]+' }],
      authorizationUrl: 'https://{{tenant}}.acme.test/oauth/authorize',
      tokenUrl: 'https://{{tenant}}.acme.test/oauth/token',
      clientAuthentication: 'body',
      pkce: true,
      refresh: { refreshToken: 'always', rotates: false },
    },
    api: { baseUrl: 'https://{{tenant}}.acme.test/api/v1', allowedHosts: ['{{tenant}}.acme.test'] },
  };
}

function apiKeyEntry(): IntegrationDefinitionInput {
  return {
    ...oauthEntry(),
    auth: {
      type: 'apiKey',
      fields: [{ id: 'apiKey', title: 'API key', secret: true }],
      injection: { type: 'header', name: 'X-Api-Key', value: '{{apiKey}}' },
      verification: { url: '/me' },
    },
    api: { baseUrl: 'https://api.acme.test', allowedHosts: ['api.acme.test'] },
  };
}

/** The Error message thrown for a definition (fails the test if none is thrown). */
function rejection(definition: unknown): string {
  try {
    defineIntegration(definition as IntegrationDefinitionInput);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected the definition to be rejected');
}

describe('defineIntegration', () => {
  test('accepts a valid entry and fills in defaults', () => {
    const def = defineIntegration(oauthEntry());
    expect(def.auth.type).toBe('oauth2');
    if (def.auth.type !== 'oauth2') return;
    expect(def.auth.injection).toEqual({
      type: 'header',
      name: 'Authorization',
      value: 'Bearer {{accessToken}}',
    });
    expect(def.auth.scopeSeparator).toBe(' ');
    expect(def.auth.tokenResponse.accessTokenPath).toBe('access_token');
    expect(def.auth.inputs[0]).toMatchObject({ secret: false, required: true });
    expect(def.api.rateLimit.retryAfterHeader).toBe('Retry-After');
    expect(def.account.providerData).toEqual({});
  });

  test('accepts an API-key entry', () => {
    expect(defineIntegration(apiKeyEntry()).auth.type).toBe('apiKey');
  });

  test('names the type and the bad path', () => {
    const message = rejection({ ...oauthEntry(), docsUrl: 'http://developer.acme.test/docs' });
    expect(message).toMatch(/^Invalid catalog entry "acme":/);
    expect(message).toContain('docsUrl: must be an https URL (got "http://developer.acme.test/docs")');
  });

  test('reports a missing type', () => {
    const { type: _type, ...rest } = oauthEntry();
    expect(rejection(rest)).toMatch(/^Invalid catalog entry \(missing type\):\n\s+- type: /);
  });

  test.each([
    ['type', { type: 'Google Drive' }, 'type: must be lowercase letters and digits'],
    ['brandColor', { brandColor: 'blue' }, 'brandColor: must be a 6-digit hex colour'],
    ['icon', { icon: '<img src="x.png">' }, 'icon: must be an inline SVG document'],
    [
      'icon script',
      { icon: '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>' },
      'icon: must not contain scripts',
    ],
    ['category', { category: 'gaming' }, 'category: '],
    ['description', { description: 'two\nlines' }, 'description: must be a single line'],
    ['unknown key', { docsURL: 'https://x.test' }, 'docsURL'],
  ])('rejects bad metadata: %s', (_case, patch, expected) => {
    expect(rejection({ ...oauthEntry(), ...patch })).toContain(expected);
  });

  test('rejects an OAuth entry without a token URL', () => {
    const entry = oauthEntry();
    if (entry.auth.type !== 'oauth2') throw new Error('fixture');
    const { tokenUrl: _tokenUrl, ...auth } = entry.auth;
    expect(rejection({ ...entry, auth })).toContain('auth.tokenUrl: ');
  });

  test('rejects placeholders that are not declared inputs', () => {
    const entry = oauthEntry();
    if (entry.auth.type !== 'oauth2') throw new Error('fixture');
    const message = rejection({
      ...entry,
      auth: { ...entry.auth, authorizationUrl: 'https://{{shop}}.acme.test/oauth/authorize' },
    });
    expect(message).toContain(
      'auth.authorizationUrl: placeholder {{shop}} is not a declared input (declared: tenant)',
    );
  });

  test('requires a pattern on inputs used in URLs', () => {
    const entry = oauthEntry();
    if (entry.auth.type !== 'oauth2') throw new Error('fixture');
    const message = rejection({
      ...entry,
      auth: { ...entry.auth, inputs: [{ id: 'tenant', title: 'Tenant' }] },
    });
    expect(message).toContain(
      'auth.tokenUrl: placeholder {{tenant}} is used in a URL, so input "tenant" must declare a pattern',
    );
  });

  test('rejects secret inputs in URLs', () => {
    const entry = oauthEntry();
    if (entry.auth.type !== 'oauth2') throw new Error('fixture');
    const inputs = [{ id: 'tenant', title: 'Tenant', pattern: '[a-z]+', secret: true }];
    expect(rejection({ ...entry, auth: { ...entry.auth, inputs } })).toContain('is a secret input');
  });

  test('rejects malformed placeholders', () => {
    const entry = oauthEntry();
    if (entry.auth.type !== 'oauth2') throw new Error('fixture');
    const message = rejection({
      ...entry,
      auth: { ...entry.auth, tokenUrl: 'https://{{ tenant }}.acme.test/t' },
    });
    expect(message).toContain('auth.tokenUrl: has a malformed {{placeholder}}');
  });

  test('rejects a base URL outside the allowed hosts', () => {
    const message = rejection({
      ...oauthEntry(),
      api: { baseUrl: 'https://evil.test/api', allowedHosts: ['{{tenant}}.acme.test'] },
    });
    expect(message).toContain(
      'api.baseUrl: host of "https://evil.test/api" is not covered by api.allowedHosts',
    );
  });

  test('rejects a provider-data base URL whose key is not declared', () => {
    const message = rejection({
      ...oauthEntry(),
      api: { baseUrl: { fromProviderData: 'instanceUrl', path: '/v1' }, allowedHosts: ['*.acme.test'] },
    });
    expect(message).toContain(
      'api.baseUrl.fromProviderData: "instanceUrl" is not declared in account.providerData',
    );
  });

  test('rejects OAuth params the client owns', () => {
    const entry = oauthEntry();
    if (entry.auth.type !== 'oauth2') throw new Error('fixture');
    const message = rejection({
      ...entry,
      auth: { ...entry.auth, authorizationParams: { redirect_uri: 'https://x.test' } },
    });
    expect(message).toContain('auth.authorizationParams: must not set parameters the OAuth client owns');
  });

  test('rejects an OAuth injection that does not send the access token', () => {
    const entry = oauthEntry();
    if (entry.auth.type !== 'oauth2') throw new Error('fixture');
    const injection = { type: 'header', name: 'Authorization', value: 'Bearer {{token}}' } as const;
    const message = rejection({ ...entry, auth: { ...entry.auth, injection } });
    expect(message).toContain(
      'auth.injection: placeholder {{token}} is not available here (available: accessToken)',
    );
  });

  test('rejects an API-key injection naming an unknown field', () => {
    const entry = apiKeyEntry();
    if (entry.auth.type !== 'apiKey') throw new Error('fixture');
    const injection = { type: 'basic', username: '{{key}}' } as const;
    expect(rejection({ ...entry, auth: { ...entry.auth, injection } })).toContain(
      'auth.injection: placeholder {{key}} is not available here (available: apiKey)',
    );
  });

  test('rejects token-response sources on API-key entries and secret inputs in providerData', () => {
    const message = rejection({
      ...apiKeyEntry(),
      account: { providerId: { token: 'id' }, providerData: { key: { input: 'apiKey' } } },
    });
    expect(message).toContain('account.providerId: only OAuth integrations have a token response');
    expect(message).toContain('account.providerData.key: input "apiKey" is secret');
  });

  test('rejects identity sources without an identity request on OAuth entries', () => {
    const message = rejection({ ...oauthEntry(), account: { providerId: { identity: 'sub' } } });
    expect(message).toContain('account.providerId: { identity } needs account.request');
  });

  test('requires a "default" account type and unique ids', () => {
    const message = rejection({
      ...oauthEntry(),
      accountTypes: [
        { id: 'sandbox', description: 'Sandbox' },
        { id: 'sandbox', description: 'Again' },
      ],
    });
    expect(message).toContain('accountTypes: must include an account type with id "default"');
    expect(message).toContain('accountTypes[1].id: duplicate account type "sandbox"');
  });

  test('rejects file pickers on API-key entries', () => {
    expect(rejection({ ...apiKeyEntry(), filePicker: {} })).toContain(
      'filePicker: file pickers need an OAuth access token',
    );
  });

  test('rejects a rate-limit usage pattern without the named groups', () => {
    const entry = apiKeyEntry();
    const message = rejection({
      ...entry,
      api: { ...entry.api, rateLimit: { usageHeader: { name: 'X-Usage', pattern: '(\\d+)/(\\d+)' } } },
    });
    expect(message).toContain('api.rateLimit.usageHeader.pattern: must capture the named groups');
  });
});

describe('defineIntegration union fields', () => {
  test('explain the accepted shapes when none matches', () => {
    const message = rejection({
      ...oauthEntry(),
      api: { baseUrl: 42, allowedHosts: ['{{tenant}}.acme.test'] },
      account: { providerId: { tokn: 'id' } },
    });
    expect(message).toContain('api.baseUrl: must be an https URL template or { fromProviderData');
    expect(message).toContain('account.providerId: must be exactly one of { token');
  });

  test('report the nested problem when the shape is recognisable', () => {
    const message = rejection({
      ...oauthEntry(),
      api: { baseUrl: 'https://{{tenant}}.acme.test/api/', allowedHosts: ['{{tenant}}.acme.test'] },
    });
    expect(message).toContain('api.baseUrl: must not end with "/" nor carry a query string');
  });
});
