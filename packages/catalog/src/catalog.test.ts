import { readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { catalog, getIntegrationDefinition, listIntegrationDefinitions } from './catalog';
import { hostMatches } from './hostPattern';
import { matchesInputPattern } from './inputPattern';
import { type IntegrationDefinition, integrationDefinitionSchema } from './integrationDefinition';
import { fillTemplate, templatePlaceholders } from './urlTemplate';

const definitions = listIntegrationDefinitions();

/** Local entries are served by Switchboard itself; their URLs start with the server's origin. */
const originTemplate = '{{switchboardOrigin}}';
const sampleOrigin = 'http://127.0.0.1:7070';
function fillSample(template: string): string {
  return fillTemplate(template, (name) => (name === 'switchboardOrigin' ? sampleOrigin : 'x'));
}

/** Every URL (or URL template) an entry declares, with where it came from. */
function declaredUrls(def: IntegrationDefinition): { where: string; url: string }[] {
  const urls = [{ where: 'docsUrl', url: def.docsUrl }];
  if (typeof def.api.baseUrl === 'string') urls.push({ where: 'api.baseUrl', url: def.api.baseUrl });
  if (def.auth.type === 'oauth2') {
    urls.push({ where: 'auth.authorizationUrl', url: def.auth.authorizationUrl });
    urls.push({ where: 'auth.tokenUrl', url: def.auth.tokenUrl });
    if (def.auth.revocation) urls.push({ where: 'auth.revocation.url', url: def.auth.revocation.url });
  }
  for (const accountType of def.accountTypes ?? []) {
    for (const key of ['authorizationUrl', 'tokenUrl', 'revocationUrl'] as const) {
      const url = accountType[key];
      if (url !== undefined) urls.push({ where: `accountTypes.${accountType.id}.${key}`, url });
    }
  }
  for (const [where, target] of [
    ['account.request', def.account.request],
    ['auth.verification', def.auth.type === 'apiKey' ? def.auth.verification : undefined],
  ] as const) {
    if (target && !target.url.startsWith('/')) urls.push({ where, url: target.url });
  }
  return urls;
}

function inputsOf(def: IntegrationDefinition) {
  return def.auth.type === 'oauth2' ? def.auth.inputs : def.auth.fields;
}

describe('catalog registry', () => {
  test('lists the built-in integrations', () => {
    expect(definitions.map((def) => def.type)).toEqual([
      'salesforce',
      'hubspot',
      'slack',
      'shopify',
      'googledrive',
      'googlecalendar',
      'onedrive',
      'sharepoint',
      'box',
      'dropbox',
      'stripe',
      'sandbox',
    ]);
  });

  test('types are unique and key the map', () => {
    expect(new Set(definitions.map((def) => def.type)).size).toBe(definitions.length);
    expect(catalog.size).toBe(definitions.length);
    for (const def of definitions) expect(catalog.get(def.type)).toBe(def);
  });

  test('every integrations/<type> folder is registered under that type', () => {
    const folders = readdirSync(new URL('./integrations', import.meta.url), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(folders).toEqual(definitions.map((def) => def.type).sort());
  });

  test('getIntegrationDefinition finds entries by type and returns undefined for unknown ones', () => {
    expect(getIntegrationDefinition('salesforce')?.name).toBe('Salesforce');
    expect(getIntegrationDefinition('Salesforce')).toBeUndefined();
    expect(getIntegrationDefinition('custom.github')).toBeUndefined();
  });

  test('entries are frozen', () => {
    const salesforce = getIntegrationDefinition('salesforce');
    expect(Object.isFrozen(salesforce)).toBe(true);
    expect(Object.isFrozen(salesforce?.auth)).toBe(true);
  });
});

describe.each(definitions.map((def) => [def.type, def] as const))('catalog entry %s', (_type, def) => {
  test('validates against the schema', () => {
    const result = integrationDefinitionSchema.safeParse(def);
    expect(result.error?.issues ?? []).toEqual([]);
  });

  if (!def.local) {
    test('declares only https URLs', () => {
      const urls = declaredUrls(def);
      expect(urls.length).toBeGreaterThan(1);
      for (const { where, url } of urls) {
        expect(url, where).toMatch(/^https:\/\//);
        expect(new URL(fillTemplate(url, () => 'x')).protocol, where).toBe('https:');
      }
    });
  } else {
    test("a local entry's URLs are on the Switchboard server's origin (docs link aside)", () => {
      const urls = declaredUrls(def).filter(({ where }) => where !== 'docsUrl');
      expect(urls.length).toBeGreaterThan(1);
      for (const { where, url } of urls) {
        expect(url, where).toMatch(/^\{\{switchboardOrigin\}\}\//);
        expect(new URL(fillSample(url)).origin, where).toBe(sampleOrigin);
      }
      expect(def.docsUrl).toMatch(/^https:\/\//);
      expect(def.api.allowedHosts).toEqual([originTemplate]);
    });
  }

  test('has a hex brand colour and an SVG icon in that colour', () => {
    expect(def.brandColor).toMatch(/^#[0-9A-Fa-f]{6}$/);
    expect(def.icon).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>$/);
    expect(def.icon).toContain(`fill="${def.brandColor}"`);
  });

  test('templated placeholders refer to declared, constrained, non-secret inputs', () => {
    const inputs = inputsOf(def);
    const templates = [...declaredUrls(def).map(({ url }) => url), ...def.api.allowedHosts];
    for (const template of templates) {
      for (const name of templatePlaceholders(template)) {
        if (def.local && name === 'switchboardOrigin') continue;
        const input = inputs.find((candidate) => candidate.id === name);
        expect(input, `{{${name}}} in ${template}`).toBeDefined();
        expect(input?.pattern, `pattern of ${name}`).toBeDefined();
        expect(input?.secret, `secret ${name}`).toBe(false);
      }
    }
  });

  test('the static base URL and absolute request URLs stay on allowed hosts', () => {
    const hosts = def.api.allowedHosts.map((pattern) =>
      pattern === originTemplate ? new URL(sampleOrigin).hostname : fillTemplate(pattern, () => 'x'),
    );
    const urls = declaredUrls(def).filter(
      ({ where }) => where === 'api.baseUrl' || where.endsWith('request'),
    );
    for (const { where, url } of urls) {
      const { hostname } = new URL(fillSample(url));
      expect(
        hosts.some((pattern) => hostMatches(pattern, hostname)),
        where,
      ).toBe(true);
    }
  });

  if (def.auth.type === 'oauth2') {
    const auth = def.auth;
    test('OAuth entries declare authorization and token endpoints and how refresh behaves', () => {
      const endpoint = def.local ? /^(https:\/\/|\{\{switchboardOrigin\}\}\/)\S+$/ : /^https:\/\/\S+$/;
      expect(auth.authorizationUrl).toMatch(endpoint);
      expect(auth.tokenUrl).toMatch(endpoint);
      expect(['always', 'optional', 'never']).toContain(auth.refresh.refreshToken);
      expect(auth.injection.type === 'header' ? auth.injection.value : auth.injection.username).toContain(
        '{{accessToken}}',
      );
    });
  } else {
    const auth = def.auth;
    test('API-key entries declare secret fields and a verification request', () => {
      expect(auth.fields.some((field) => field.secret)).toBe(true);
      expect(auth.verification.url).toMatch(/^\/|^https:\/\//);
    });
  }
});

describe('provider quirks', () => {
  test('the sandbox is local, PKCE, Basic client auth, rotating refresh tokens, identity from /me', () => {
    const sandbox = getIntegrationDefinition('sandbox');
    expect(sandbox).toMatchObject({ local: true, name: 'Sandbox CRM', category: 'crm' });
    expect(sandbox?.auth).toMatchObject({
      type: 'oauth2',
      authorizationUrl: '{{switchboardOrigin}}/sandbox/oauth/authorize',
      tokenUrl: '{{switchboardOrigin}}/sandbox/oauth/token',
      revocation: { url: '{{switchboardOrigin}}/sandbox/oauth/revoke', clientAuthentication: 'basic' },
      scopes: ['contacts.read', 'contacts.write'],
      clientAuthentication: 'basic',
      pkce: true,
      refresh: { refreshToken: 'always', rotates: true },
    });
    expect(sandbox?.api.baseUrl).toBe('{{switchboardOrigin}}/sandbox/api');
    expect(sandbox?.account).toEqual({
      request: { method: 'GET', url: '/me' },
      providerId: { identity: 'id' },
      providerData: { workspace: { identity: 'workspace' }, email: { identity: 'email' } },
    });
    for (const def of definitions.filter((candidate) => candidate.type !== 'sandbox')) {
      expect(def.local, def.type).toBe(false);
    }
  });

  test('Salesforce sandboxes authorize against test.salesforce.com and the API lives on instance_url', () => {
    const salesforce = getIntegrationDefinition('salesforce');
    const sandbox = salesforce?.accountTypes?.find((accountType) => accountType.id === 'sandbox');
    expect(new URL(sandbox?.authorizationUrl ?? '').hostname).toBe('test.salesforce.com');
    expect(new URL(sandbox?.tokenUrl ?? '').hostname).toBe('test.salesforce.com');
    expect(salesforce?.api.baseUrl).toEqual({
      fromProviderData: 'instanceUrl',
      path: '/services/data/v66.0',
    });
    expect(salesforce?.account.providerData.instanceUrl).toEqual({ token: 'instance_url' });
  });

  test('the Shopify shop input cannot steer the URL off myshopify.com', () => {
    const shopify = getIntegrationDefinition('shopify');
    const shop = shopify && inputsOf(shopify).find((input) => input.id === 'shop');
    expect(shop).toBeDefined();
    if (!shop) return;
    expect(matchesInputPattern(shop, 'my-store')).toBe(true);
    for (const hostile of ['evil.com/x', 'a.evil.com#', 'x@evil.com', 'shop.myshopify.com', '-shop', '']) {
      expect(matchesInputPattern(shop, hostile), hostile).toBe(false);
    }
  });

  test('Slack reads failures from `ok` and keeps the user token found under authed_user', () => {
    const slack = getIntegrationDefinition('slack');
    expect(slack?.auth.type === 'oauth2' && slack.auth.tokenResponse).toMatchObject({
      successFlagPath: 'ok',
      extraTokenPaths: { userAccessToken: 'authed_user.access_token' },
    });
  });

  test('Google asks for offline access with a forced consent screen', () => {
    for (const type of ['googledrive', 'googlecalendar']) {
      const google = getIntegrationDefinition(type);
      expect(google?.auth.type === 'oauth2' && google.auth.authorizationParams).toMatchObject({
        access_type: 'offline',
        prompt: 'consent',
      });
    }
    expect(getIntegrationDefinition('googledrive')?.filePicker?.requiredInitOptions).toEqual([
      'developerKey',
    ]);
  });
});
