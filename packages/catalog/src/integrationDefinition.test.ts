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

  test('post-OAuth inputs default to none and keep the input shape', () => {
    const plain = defineIntegration(oauthEntry());
    if (plain.auth.type !== 'oauth2') throw new Error('fixture');
    expect(plain.auth.postInputs).toEqual([]);
    const entry = oauthEntry();
    if (entry.auth.type !== 'oauth2') throw new Error('fixture');
    const def = defineIntegration({
      ...entry,
      auth: {
        ...entry.auth,
        postInputs: [{ id: 'pipeline', title: 'Pipeline', subtitle: 'Where deals go', pattern: '[0-9]+' }],
      },
    });
    if (def.auth.type !== 'oauth2') throw new Error('fixture');
    expect(def.auth.postInputs).toEqual([
      {
        id: 'pipeline',
        title: 'Pipeline',
        subtitle: 'Where deals go',
        pattern: '[0-9]+',
        secret: false,
        required: true,
      },
    ]);
  });

  test('rejects secret, duplicate and URL-templated post-OAuth inputs', () => {
    const entry = oauthEntry();
    if (entry.auth.type !== 'oauth2') throw new Error('fixture');
    const message = rejection({
      ...entry,
      auth: {
        ...entry.auth,
        tokenUrl: 'https://{{tenant}}.acme.test/oauth/token?p={{pipeline}}',
        postInputs: [
          { id: 'pipeline', title: 'Pipeline', secret: true },
          { id: 'pipeline', title: 'Again' },
          { id: 'tenant', title: 'Tenant again' },
        ],
      },
    });
    expect(message).toContain(
      'auth.postInputs[0].secret: post-OAuth input "pipeline" cannot be secret: post-OAuth inputs are stored unencrypted',
    );
    expect(message).toContain('auth.postInputs[1].id: duplicate post-OAuth input id "pipeline"');
    expect(message).toContain('auth.postInputs[2].id: "tenant" is already a pre-OAuth input');
    expect(message).toContain('auth.tokenUrl: placeholder {{pipeline}} is not a declared input');
  });

  test('post-OAuth inputs are only for OAuth entries', () => {
    const entry = apiKeyEntry();
    expect(rejection({ ...entry, auth: { ...entry.auth, postInputs: [] } })).toContain('postInputs');
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

describe('local entries', () => {
  /** An entry served by Switchboard itself, like the sandbox. */
  function localEntry(): IntegrationDefinitionInput {
    return {
      ...oauthEntry(),
      local: true,
      auth: {
        type: 'oauth2',
        authorizationUrl: '{{switchboardOrigin}}/practice/oauth/authorize',
        tokenUrl: '{{switchboardOrigin}}/practice/oauth/token',
        revocation: {
          url: '{{switchboardOrigin}}/practice/oauth/revoke',
          token: 'refresh',
          tokenPlacement: 'form',
        },
        clientAuthentication: 'basic',
        pkce: true,
        refresh: { refreshToken: 'always', rotates: true },
      },
      api: { baseUrl: '{{switchboardOrigin}}/practice/api', allowedHosts: ['{{switchboardOrigin}}'] },
      account: { request: { url: '/me' }, providerId: { identity: 'id' } },
    };
  }

  test('entries are not local unless they say so', () => {
    expect(defineIntegration(oauthEntry()).local).toBe(false);
  });

  test('a local entry may use {{switchboardOrigin}} and http:// URLs', () => {
    const def = defineIntegration(localEntry());
    expect(def.local).toBe(true);
    expect(def.api.allowedHosts).toEqual(['{{switchboardOrigin}}']);

    const entry = localEntry();
    const plainHttp = defineIntegration({
      ...entry,
      api: { baseUrl: 'http://practice.test:8080/api', allowedHosts: ['practice.test'] },
      account: { request: { url: 'http://practice.test:8080/me' }, providerId: { identity: 'id' } },
    });
    expect(plainHttp.api.baseUrl).toBe('http://practice.test:8080/api');
  });

  test('a non-local entry may not use http:// URLs', () => {
    const entry = oauthEntry();
    if (entry.auth.type !== 'oauth2') throw new Error('fixture');
    const message = rejection({
      ...entry,
      auth: { ...entry.auth, tokenUrl: 'http://{{tenant}}.acme.test/oauth/token' },
      api: { baseUrl: 'http://{{tenant}}.acme.test/api/v1', allowedHosts: ['{{tenant}}.acme.test'] },
    });
    expect(message).toContain(
      'auth.tokenUrl: must be an https URL; http:// is only allowed in local entries (local: true) (got "http://{{tenant}}.acme.test/oauth/token")',
    );
    expect(message).toContain('api.baseUrl: must be an https URL; http:// is only allowed in local entries');
  });

  test('a non-local entry may not use {{switchboardOrigin}}', () => {
    const message = rejection({ ...localEntry(), local: false });
    const refusal =
      "placeholder {{switchboardOrigin}} (the Switchboard server's own origin) is only allowed in local entries (local: true)";
    for (const path of [
      'auth.authorizationUrl',
      'auth.tokenUrl',
      'auth.revocation.url',
      'api.baseUrl',
      'api.allowedHosts[0]',
    ]) {
      expect(message).toContain(`${path}: ${refusal}`);
    }
    // Omitting `local` is the same as false.
    const { local: _local, ...implicit } = localEntry();
    expect(rejection(implicit)).toContain(`auth.tokenUrl: ${refusal}`);
  });

  test('{{switchboardOrigin}} is the whole origin at the start of a URL, never a user input', () => {
    const entry = localEntry();
    if (entry.auth.type !== 'oauth2') throw new Error('fixture');
    const message = rejection({
      ...entry,
      auth: {
        ...entry.auth,
        authorizationUrl: 'https://practice.test/authorize?next={{switchboardOrigin}}',
        tokenUrl: '{{switchboardOrigin}}.evil.test/token',
        inputs: [{ id: 'switchboardOrigin', title: 'Origin', pattern: '.+' }],
      },
    });
    expect(message).toContain(
      'auth.authorizationUrl: may use {{switchboardOrigin}} only once, as the whole origin at the start',
    );
    expect(message).toContain('auth.tokenUrl: may use {{switchboardOrigin}} only once');
    expect(message).toContain(
      `auth.inputs[0].id: "switchboardOrigin" is reserved for the Switchboard server's origin`,
    );
  });

  test('URLs on the server origin need {{switchboardOrigin}} in api.allowedHosts', () => {
    const message = rejection({
      ...localEntry(),
      api: { baseUrl: '{{switchboardOrigin}}/practice/api', allowedHosts: ['practice.test'] },
    });
    expect(message).toContain(
      `api.baseUrl: "{{switchboardOrigin}}/practice/api" is on the Switchboard server's origin, so api.allowedHosts must list {{switchboardOrigin}}`,
    );
  });

  test('the documentation link stays https even for local entries', () => {
    expect(rejection({ ...localEntry(), docsUrl: 'http://practice.test/docs' })).toContain(
      'docsUrl: must be an https URL (got "http://practice.test/docs")',
    );
    expect(rejection({ ...localEntry(), docsUrl: '{{switchboardOrigin}}/docs' })).toContain('docsUrl: ');
  });

  test('a local entry may talk to another server on this machine; no other entry may', () => {
    const onLoopback: IntegrationDefinitionInput = {
      ...localEntry(),
      auth: {
        type: 'oauth2',
        authorizationUrl: 'http://127.0.0.1:9999/authorize',
        tokenUrl: 'http://127.0.0.1:9999/token',
        clientAuthentication: 'basic',
        pkce: true,
        refresh: { refreshToken: 'always', rotates: true },
      },
      api: { baseUrl: 'http://127.0.0.1:9999', allowedHosts: ['127.0.0.1', 'localhost'] },
    };
    expect(defineIntegration(onLoopback).api.allowedHosts).toEqual(['127.0.0.1', 'localhost']);
    expect(
      rejection({
        ...oauthEntry(),
        api: { baseUrl: 'https://api.acme.test', allowedHosts: ['api.acme.test', 'localhost'] },
      }),
    ).toContain(
      'api.allowedHosts[1]: "localhost" is on this machine; only local entries (local: true) may use it',
    );
  });
});
