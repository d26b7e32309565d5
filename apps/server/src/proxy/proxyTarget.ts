import type { IntegrationDefinition } from '@switchboard/catalog';
import { AppError } from '@switchboard/contracts';
import { isAllowedRequestUrl, resolveBaseUrl, type TemplateValues } from '@switchboard/vault';

const refuse = (why: string): never => {
  throw new AppError('VALIDATION_FAILED', 400, `Proxy request refused: ${why}.`);
};

/* biome-ignore lint/suspicious/noControlCharactersInRegex: CR, LF and NUL are what is refused */
const controlChars = /[\r\n\u0000]/;
const encodedControl = /%(0d|0a|00)/i;
/** Encoded dot, slash or backslash, also double-encoded (`%252e`): upstreams may decode them into traversal. */
const encodedSeparators = /%(25)*(2e|2f|5c)/i;
const schemeLike = /^\/*[a-z][a-z0-9+.-]*:/i;

/** Refuses anything in a raw path (before `?`) that could leave the base path or break the request. */
function checkRawPath(path: string, what: string): void {
  if (controlChars.test(path) || encodedControl.test(path)) refuse(`${what} contains CR, LF or NUL`);
  if (path.includes('\\')) refuse(`${what} contains a backslash`);
  if (encodedSeparators.test(path))
    refuse(
      `${what} contains an encoded dot, slash or backslash (%2e, %2f, %5c), which could be used for traversal`,
    );
  if (path.split('/').some((segment) => segment === '..' || segment === '.'))
    refuse(`${what} contains a "." or ".." segment`);
}

function checkRawQuery(query: string, what: string): void {
  if (controlChars.test(query) || encodedControl.test(query))
    refuse(`${what} query string contains CR, LF or NUL`);
}

/**
 * The entry's API base URL for one credential, refused unless it is on an allowed host. The proxy
 * caches it per credential: it depends only on the entry, the credential's inputs and providerData.
 */
export function resolveAllowedBase(input: {
  definition: IntegrationDefinition;
  templateValues: TemplateValues;
  providerData: Readonly<Record<string, string | number | boolean>>;
}): URL {
  const { definition } = input;
  const base = resolveBaseUrl(definition, input.templateValues, input.providerData);
  if (base === undefined) {
    throw new AppError(
      'PROVIDER_UNREACHABLE',
      502,
      `${definition.name} did not say which API host this account lives on, so the request cannot be sent.`,
    );
  }
  const baseUrl = new URL(base);
  if (!isAllowedRequestUrl(definition, baseUrl, input.templateValues))
    refuse(`the API base URL is not on an allowed host of ${definition.name}`);
  return baseUrl;
}

/**
 * The upstream URL of a proxy call: the allowed base URL + `rawPath` + `rawQuery`, byte for byte
 * (no re-encoding), or the caller's `X-Paragon-Proxy-Url` when its host is one the entry allows.
 * Every refusal is a 400 that says why, raised before any upstream request.
 */
export function resolveProxyUrl(input: {
  definition: IntegrationDefinition;
  /** From resolveAllowedBase; needed unless `proxyUrl` is given. */
  base: URL | undefined;
  rawPath: string;
  rawQuery: string;
  proxyUrl: string | undefined;
  templateValues: TemplateValues;
}): URL {
  const { definition, templateValues, base } = input;
  if (input.proxyUrl !== undefined) return resolveFullUrl(definition, input.proxyUrl, templateValues);

  const { rawPath, rawQuery } = input;
  if (!base) throw new Error('resolveProxyUrl: the base URL is required without a proxy URL');
  if (!rawPath.startsWith('/')) refuse('the path must start with "/"');
  if (rawPath.startsWith('//') || schemeLike.test(rawPath))
    refuse('the path must be relative to the API base URL, not an absolute URL');
  checkRawPath(rawPath, 'the path');
  checkRawQuery(rawQuery, 'the');

  const basePath = base.pathname.replace(/\/+$/, '');
  const expected = `${basePath}${rawPath}`;
  const url = URL.parse(`${base.origin}${expected}${rawQuery}`);
  // Backstop: the URL parser must not have changed anything (normalised a segment, moved the host).
  // The origin is the allowed base's, so the URL is on an allowed host too.
  if (
    !url ||
    url.origin !== base.origin ||
    url.pathname !== expected ||
    url.search !== rawQuery.replace(/^\?$/, '')
  )
    refuse('the path does not stay under the API base URL');
  return url as URL;
}

function resolveFullUrl(definition: IntegrationDefinition, raw: string, templateValues: TemplateValues): URL {
  const what = 'X-Paragon-Proxy-Url';
  if (controlChars.test(raw) || encodedControl.test(raw)) refuse(`${what} contains CR, LF or NUL`);
  if (raw.includes('\\')) refuse(`${what} contains a backslash`);
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/i.exec(raw);
  if (!match) refuse(`${what} must be a full http(s) URL`);
  const [, scheme, authority, path] = match as RegExpExecArray;
  if (!/^https?$/i.test(scheme!)) refuse(`${what} must use http or https`);
  if (authority!.includes('@')) refuse(`${what} must not contain user information ("@" in the host part)`);
  if (path) checkRawPath(path, what);
  const url = URL.parse(raw);
  if (!url || url.username || url.password) refuse(`${what} is not a valid URL`);
  if (!isAllowedRequestUrl(definition, url as URL, templateValues)) {
    refuse(
      `the host of ${what} is not one ${definition.name} allows (${definition.api.allowedHosts.join(', ')})`,
    );
  }
  return url as URL;
}
