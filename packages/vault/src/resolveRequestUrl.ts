import {
  hostMatches,
  type IntegrationDefinition,
  isAllowedHttpsUrl,
  renderTemplate,
  switchboardOriginPlaceholder,
} from '@switchboard/catalog';
import { AppError } from '@switchboard/contracts';
import { assertValidInputs } from './assertValidInputs';
import { definitionInputs, renderUrlTemplate, type TemplateValues } from './renderUrlTemplate';

type ProviderData = Readonly<Record<string, string | number | boolean>>;

/**
 * Whether a credential for this entry may be sent to `url`: an https URL on the default port whose
 * host matches one of `api.allowedHosts` (rendered with the template values). For local entries an
 * `{{switchboardOrigin}}` pattern admits exactly the server's own origin, and other hosts may be http.
 */
export function isAllowedRequestUrl(
  definition: IntegrationDefinition,
  url: URL,
  templateValues: TemplateValues,
): boolean {
  if (url.username !== '' || url.password !== '') return false;
  try {
    // Inputs render into host patterns: an invalid one admits nothing.
    const publicInputs = definitionInputs(definition).filter((input) => !input.secret);
    assertValidInputs(publicInputs, templateValues, { requireAll: false });
  } catch {
    return false;
  }
  const { local } = definition;
  return definition.api.allowedHosts.some((pattern) => {
    if (pattern.includes(`{{${switchboardOriginPlaceholder}}}`)) {
      const origin = templateValues[switchboardOriginPlaceholder];
      return local && origin !== undefined && URL.parse(origin)?.origin === url.origin;
    }
    let rendered: string;
    try {
      rendered = renderTemplate(pattern, templateValues);
    } catch {
      return false; // a host pattern whose input was not given admits nothing
    }
    if (local)
      return (url.protocol === 'https:' || url.protocol === 'http:') && hostMatches(rendered, url.hostname);
    return isAllowedHttpsUrl(url, [rendered]);
  });
}

/**
 * The API base URL of an entry: a template, or (Salesforce) an origin read from providerData plus a path.
 * Returns undefined when the providerData value is not known yet.
 */
export function resolveBaseUrl(
  definition: IntegrationDefinition,
  templateValues: TemplateValues,
  providerData: ProviderData,
): string | undefined {
  const { baseUrl } = definition.api;
  if (typeof baseUrl === 'string') return renderUrlTemplate(definition, baseUrl, templateValues).href;
  const origin = providerData[baseUrl.fromProviderData];
  if (typeof origin !== 'string') return undefined;
  return `${origin.replace(/\/+$/, '')}${baseUrl.path}`;
}

/**
 * Resolves a request target URL (account identity, API-key verification): a path under the API base
 * URL, or an absolute URL template. Either way the result must be on an allowed host, because the
 * request carries the credential.
 */
export function resolveRequestUrl(
  definition: IntegrationDefinition,
  target: string,
  context: { templateValues: TemplateValues; providerData?: ProviderData },
): URL {
  const { templateValues } = context;
  let url: URL | undefined;
  if (target.startsWith('/')) {
    const base = resolveBaseUrl(definition, templateValues, context.providerData ?? {});
    if (base === undefined) {
      throw new AppError(
        'OAUTH_BAD_RESPONSE',
        502,
        `${definition.name} did not say which API host the account lives on, so its identity cannot be read.`,
      );
    }
    url = URL.parse(`${base.replace(/\/$/, '')}${target}`) ?? undefined;
  } else {
    url = renderUrlTemplate(definition, target, templateValues);
  }
  if (!url || !isAllowedRequestUrl(definition, url, templateValues)) {
    // The base URL can come from the provider (Salesforce instance_url): refuse to send the credential.
    throw new AppError(
      'OAUTH_BAD_RESPONSE',
      502,
      `${definition.name} pointed the request to a host outside its allowed hosts (${definition.api.allowedHosts.join(', ')}).`,
    );
  }
  return url;
}
