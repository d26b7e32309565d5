import { describe, expect, test } from 'vitest';
import { hostMatches, isAllowedHttpsUrl, isHostPattern } from './hostPattern';

describe('hostPattern', () => {
  test('exact hosts match case-insensitively and only themselves', () => {
    expect(hostMatches('api.hubapi.com', 'API.hubapi.com')).toBe(true);
    expect(hostMatches('api.hubapi.com', 'api.hubapi.com.evil.test')).toBe(false);
    expect(hostMatches('api.hubapi.com', 'evilapi.hubapi.com')).toBe(false);
  });

  test('wildcards match hosts strictly below the suffix', () => {
    expect(hostMatches('*.salesforce.com', 'acme.my.salesforce.com')).toBe(true);
    expect(hostMatches('*.salesforce.com', 'salesforce.com')).toBe(false);
    expect(hostMatches('*.salesforce.com', 'evilsalesforce.com')).toBe(false);
  });

  test('recognises valid patterns', () => {
    for (const pattern of ['slack.com', '*.salesforce.com', '{{shop}}.myshopify.com']) {
      expect(isHostPattern(pattern), pattern).toBe(true);
    }
    for (const pattern of ['*', 'Slack.com', 'https://slack.com', 'slack.com/api', '*.*.com', 'localhost']) {
      expect(isHostPattern(pattern), pattern).toBe(false);
    }
  });

  test('allowed URLs are https on the default port without credentials', () => {
    const hosts = ['api.stripe.com'];
    expect(isAllowedHttpsUrl(new URL('https://api.stripe.com/v1/customers'), hosts)).toBe(true);
    expect(isAllowedHttpsUrl(new URL('http://api.stripe.com/v1'), hosts)).toBe(false);
    expect(isAllowedHttpsUrl(new URL('https://api.stripe.com:8443/v1'), hosts)).toBe(false);
    expect(isAllowedHttpsUrl(new URL('https://user@api.stripe.com/v1'), hosts)).toBe(false);
    expect(isAllowedHttpsUrl(new URL('https://api.stripe.com.evil.test/v1'), hosts)).toBe(false);
  });
});
