import { type IntegrationDefinition, readJsonPath } from '@switchboard/catalog';
import { AppError } from '@switchboard/contracts';
import { oauthEndpoints } from './oauthEndpoints';
import { renderUrlTemplate, type TemplateValues } from './renderUrlTemplate';
import { type Fetch, isJsonObject, safeErrorCode, sendProviderRequest } from './sendProviderRequest';
import type { TokenSet } from './tokenSet';

/** Options every token-endpoint call takes. */
export type TokenEndpointOptions = {
  definition: IntegrationDefinition;
  accountType?: string | undefined;
  clientId: string;
  clientSecret: string;
  templateValues: TemplateValues;
  fetch: Fetch;
  /** Default 10 000 ms. */
  timeoutMs?: number | undefined;
};

/** RFC 6749 Appendix B: the form-urlencoding of one value (as used for HTTP Basic client credentials). */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/**
 * RFC 6749 §2.3.1: `Authorization: Basic base64(urlencode(client_id) ":" urlencode(client_secret))`.
 * The encoding step matters for ids and secrets holding `:`, `+`, `%` or non-ASCII characters.
 */
export function clientSecretBasic(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`, 'utf8').toString('base64')}`;
}

/** Replaces every secret we sent that a provider may echo (codes, refresh tokens) in its own text. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  return result;
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '' && value !== false;
}

function readScope(value: unknown, separator: string): string[] | undefined {
  if (Array.isArray(value)) return value.filter((scope): scope is string => typeof scope === 'string');
  if (typeof value !== 'string') return undefined;
  const pattern = separator === ',' ? /[\s,]+/ : /\s+/;
  return value.split(pattern).filter((scope) => scope !== '');
}

function readExpiresIn(value: unknown): number | undefined {
  const seconds = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  // 0 or negative is used by some providers for "does not expire"; treat as unknown.
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/**
 * POSTs a grant to the entry's token endpoint (RFC 6749 §4.1.3, §6) and reads the answer with the
 * entry's `tokenResponse` paths. Failure classes: the provider said no (OAUTH_PROVIDER_ERROR, with its
 * error code in the message and in details[0]), the provider answered nonsense (OAUTH_BAD_RESPONSE),
 * the provider could not be reached (PROVIDER_UNREACHABLE). Messages never hold what was sent.
 */
export async function requestTokens(
  options: TokenEndpointOptions & {
    grant: Record<string, string>;
    /** Sent on the code exchange only (the catalog's tokenParams, e.g. Shopify `expiring=1`). */
    extraParams: Readonly<Record<string, string>>;
    purpose: string;
  },
): Promise<TokenSet> {
  const { definition } = options;
  const { auth, tokenUrl } = oauthEndpoints(definition, options.accountType);
  const url = renderUrlTemplate(definition, tokenUrl, options.templateValues);

  const form = new URLSearchParams(options.grant);
  for (const [name, value] of Object.entries(options.extraParams)) form.set(name, value);
  const headers: Record<string, string> = {
    Accept: 'application/json',
    // Explicit, without a charset parameter some older token endpoints reject.
    'Content-Type': 'application/x-www-form-urlencoded',
  };
  if (auth.clientAuthentication === 'basic') {
    headers.Authorization = clientSecretBasic(options.clientId, options.clientSecret);
  } else {
    form.set('client_id', options.clientId);
    form.set('client_secret', options.clientSecret);
  }

  const response = await sendProviderRequest({
    fetch: options.fetch,
    url,
    method: 'POST',
    headers,
    body: form,
    timeoutMs: options.timeoutMs,
    providerName: definition.name,
    purpose: options.purpose,
  });

  // What we sent that must not come back in a message (grant_type and redirect_uri are not secret).
  const { code: sentCode, code_verifier: sentVerifier, refresh_token: sentRefreshToken } = options.grant;
  const secrets = [options.clientSecret, sentCode, sentVerifier, sentRefreshToken].filter(
    (secret): secret is string => secret !== undefined,
  );
  const bad = (what: string): AppError =>
    new AppError('OAUTH_BAD_RESPONSE', 502, `${definition.name} ${what} to the ${options.purpose}.`);

  const { tokenResponse: paths } = auth;
  const body = response.body;
  const ok = response.status >= 200 && response.status < 300;
  if (response.status >= 500) throw bad(`answered HTTP ${response.status}`);
  if (!isJsonObject(body)) {
    const kind = response.mediaType === '' ? 'a body without a content type' : response.mediaType;
    throw bad(ok ? `sent ${kind} instead of JSON` : `answered HTTP ${response.status} (${kind})`);
  }

  const errorValue = readJsonPath(body, paths.errorPath);
  const flagFailed = paths.successFlagPath !== undefined && !readJsonPath(body, paths.successFlagPath);
  const accessToken = readJsonPath(body, paths.accessTokenPath);
  const hasAccessToken = typeof accessToken === 'string' && accessToken !== '';
  // Some providers (Slack, GitHub) report errors with HTTP 200; an error field without a token is one.
  if (flagFailed || !ok || (isPresent(errorValue) && !hasAccessToken)) {
    const code = safeErrorCode(errorValue);
    if (code === undefined && !flagFailed)
      throw bad(`answered HTTP ${response.status} without an OAuth error`);
    const providerCode = scrubSecrets(code ?? 'unknown_error', secrets);
    const rawDescription = body.error_description;
    const description =
      typeof rawDescription === 'string' && rawDescription.trim() !== ''
        ? ` (${scrubSecrets(rawDescription.replace(/\s+/g, ' ').trim(), secrets).slice(0, 300)})`
        : '';
    throw new AppError(
      'OAUTH_PROVIDER_ERROR',
      502,
      `${definition.name} refused the ${options.purpose}: ${providerCode}${description}.`,
      [{ path: 'error', message: providerCode }],
    );
  }
  if (!hasAccessToken) throw bad('sent no access token in its answer');

  const tokenSet: TokenSet = { accessToken, extraTokens: {}, tokenResponse: body };
  const refreshToken = readJsonPath(body, paths.refreshTokenPath);
  if (typeof refreshToken === 'string' && refreshToken !== '') tokenSet.refreshToken = refreshToken;
  const expiresIn = readExpiresIn(readJsonPath(body, paths.expiresInPath));
  if (expiresIn !== undefined) tokenSet.expiresAt = new Date(Date.now() + expiresIn * 1000);
  const scope = readScope(readJsonPath(body, paths.scopePath), auth.scopeSeparator);
  if (scope !== undefined) tokenSet.scope = scope;
  for (const [name, path] of Object.entries(paths.extraTokenPaths)) {
    const value = readJsonPath(body, path);
    if (typeof value === 'string' && value !== '') tokenSet.extraTokens[name] = value;
  }
  return tokenSet;
}
