import { getIntegrationDefinition } from '@switchboard/catalog';
import { describe, expect, test } from 'vitest';
import { isAllowedRequestUrl, resolveRequestUrl } from './resolveRequestUrl';
import { appErrorOf } from './testing/appErrorOf';

function catalogEntry(type: string) {
  const definition = getIntegrationDefinition(type);
  if (!definition) throw new Error(`${type} missing from the catalog`);
  return definition;
}

const switchboardOrigin = 'http://127.0.0.1:7070';

describe('resolveRequestUrl', () => {
  test("resolves a local entry's paths under the server origin, and admits only that origin", () => {
    const sandbox = catalogEntry('sandbox');
    const templateValues = { switchboardOrigin };
    expect(resolveRequestUrl(sandbox, '/me', { templateValues }).href).toBe(
      'http://127.0.0.1:7070/sandbox/api/me',
    );
    for (const url of ['http://127.0.0.1:7070/anything', 'http://127.0.0.1:7070/sandbox/api/contacts?x=1']) {
      expect(isAllowedRequestUrl(sandbox, new URL(url), templateValues), url).toBe(true);
    }
    for (const url of [
      'http://127.0.0.1:7071/sandbox/api/me',
      'https://127.0.0.1:7070/sandbox/api/me',
      'http://localhost:7070/sandbox/api/me',
      'http://user:pw@127.0.0.1:7070/sandbox/api/me',
    ]) {
      expect(isAllowedRequestUrl(sandbox, new URL(url), templateValues), url).toBe(false);
    }
    expect(isAllowedRequestUrl(sandbox, new URL('http://127.0.0.1:7070/x'), {})).toBe(false);
  });

  test('non-local entries: https on the default port, hosts rendered from validated inputs', async () => {
    const shopify = catalogEntry('shopify');
    const templateValues = { shop: 'my-store' };
    expect(resolveRequestUrl(shopify, '/shop.json', { templateValues }).href).toBe(
      'https://my-store.myshopify.com/admin/api/2026-04/shop.json',
    );
    expect(isAllowedRequestUrl(shopify, new URL('https://my-store.myshopify.com/x'), templateValues)).toBe(
      true,
    );
    for (const url of [
      'https://other-store.myshopify.com/x',
      'http://my-store.myshopify.com/x',
      'https://my-store.myshopify.com:444/x',
    ]) {
      expect(isAllowedRequestUrl(shopify, new URL(url), templateValues), url).toBe(false);
    }
    expect(isAllowedRequestUrl(shopify, new URL('https://x.evil.myshopify.com/x'), { shop: 'x.evil' })).toBe(
      false,
    );
    const invalid = await appErrorOf(() =>
      resolveRequestUrl(shopify, '/shop.json', { templateValues: { shop: 'evil.example#' } }),
    );
    expect(invalid.code).toBe('INSTALL_INPUT_INVALID');
  });
});
