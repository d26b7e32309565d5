import { type IntegrationDefinition, isAllowedHttpsUrl } from '@switchboard/catalog';
import type { AccountAuth } from '@switchboard/contracts';

type ProviderData = Record<string, string | number | boolean>;
type DomainRule = NonNullable<NonNullable<IntegrationDefinition['filePicker']>['domain']>;

/**
 * `accountAuth` for an ExternalFilePicker (wire protocol 10): the access token, and `DOMAIN` where the
 * catalog entry declares where it comes from (OneDrive). The caller has checked the entry has a picker.
 */
export function presentAccountAuth(
  definition: IntegrationDefinition,
  providerData: ProviderData,
  accessToken: string,
): AccountAuth {
  const rule = definition.filePicker?.domain;
  const domain = rule ? accountDomain(rule, providerData) : undefined;
  return { OAUTH_ACCESS_TOKEN: accessToken, ...(domain ? { DOMAIN: domain } : {}) };
}

/**
 * The origin of the providerData URL when it is https on one of the rule's hosts, else the rule's
 * fallback. The browser form-POSTs the access token to this origin, so nothing else gets through.
 */
export function accountDomain(rule: DomainRule, providerData: ProviderData): string {
  const value = providerData[rule.fromProviderData];
  const url = typeof value === 'string' ? URL.parse(value) : null;
  return url && isAllowedHttpsUrl(url, rule.hosts) ? url.origin : rule.fallback;
}
