import { getIntegrationDefinition } from '@switchboard/catalog';
import { expect, test } from 'vitest';
import { injectCredential } from './injectCredential';

function catalogEntry(type: string) {
  const definition = getIntegrationDefinition(type);
  if (!definition) throw new Error(`${type} missing from the catalog`);
  return definition;
}

test('injects a bearer token, a custom header, or HTTP Basic from API-key fields', () => {
  expect(injectCredential(catalogEntry('hubspot'), { accessToken: 'at-1' })).toEqual({
    Authorization: 'Bearer at-1',
  });
  expect(injectCredential(catalogEntry('shopify'), { accessToken: 'shpat_1' })).toEqual({
    'X-Shopify-Access-Token': 'shpat_1',
  });
  expect(injectCredential(catalogEntry('stripe'), { apiKey: 'sk_test_1' })).toEqual({
    Authorization: `Basic ${Buffer.from('sk_test_1:').toString('base64')}`,
  });
});

test('refuses values that would break the header, without echoing them', () => {
  expect(() => injectCredential(catalogEntry('hubspot'), { accessToken: 'at\r\nX-Evil: 1' })).toThrow(
    /^The credential for "hubspot" holds a line break and cannot be sent$/,
  );
  expect(() => injectCredential(catalogEntry('hubspot'), {})).toThrow(/No value for \{\{accessToken\}\}/);
});
