import { type IntegrationDefinition, readJsonPath } from '@switchboard/catalog';
import { AppError } from '@switchboard/contracts';
import { injectCredential } from './injectCredential';
import { oauthEndpoints } from './oauthEndpoints';
import { renderUrlTemplate, type TemplateValues } from './renderUrlTemplate';
import { clientSecretBasic } from './requestTokens';
import { type Fetch, isJsonObject, safeErrorCode, sendProviderRequest } from './sendProviderRequest';
import type { TokenSet } from './tokenSet';

export type RevokeTokensOptions = {
  definition: IntegrationDefinition;
  accountType?: string | undefined;
  clientId: string;
  clientSecret: string;
  tokenSet: Pick<TokenSet, 'accessToken' | 'refreshToken'>;
  templateValues: TemplateValues;
  fetch: Fetch;
  /** Default 10 000 ms. */
  timeoutMs?: number | undefined;
};

/**
 * Ends the grant at the provider when a Connected User disconnects, per `auth.revocation`: an RFC 7009
 * form post (`token`, `token_type_hint`) or a request authenticated with the token itself (Slack
 * auth.revoke, Shopify DELETE api_permissions/current). Returns `{ revoked: false }` for entries without
 * revocation. Throws like the token endpoint; callers deleting a credential usually log and carry on.
 */
export async function revokeTokens(options: RevokeTokensOptions): Promise<{ revoked: boolean }> {
  const { definition } = options;
  if (definition.auth.type !== 'oauth2' || !definition.auth.revocation) return { revoked: false };
  const { auth, revocationUrl } = oauthEndpoints(definition, options.accountType);
  const revocation = definition.auth.revocation;
  const url = renderUrlTemplate(definition, revocationUrl ?? revocation.url, options.templateValues);

  // Revoking the refresh token ends the whole grant; without one, the access token is all there is.
  const useRefresh = revocation.token === 'refresh' && options.tokenSet.refreshToken !== undefined;
  const token = useRefresh ? (options.tokenSet.refreshToken ?? '') : options.tokenSet.accessToken;

  const params = new URLSearchParams();
  let headers: Record<string, string> = { Accept: 'application/json' };
  if (revocation.tokenPlacement === 'form') {
    params.set('token', token);
    params.set('token_type_hint', useRefresh ? 'refresh_token' : 'access_token');
  } else {
    headers = { ...headers, ...injectCredential(definition, { accessToken: token }) };
  }
  if (revocation.clientAuthentication === 'body') {
    params.set('client_id', options.clientId);
    params.set('client_secret', options.clientSecret);
  } else if (revocation.clientAuthentication === 'basic') {
    if (Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) {
      throw new Error(
        `"${definition.type}" revocation cannot send both the token and the client in Authorization`,
      );
    }
    headers.Authorization = clientSecretBasic(options.clientId, options.clientSecret);
  }
  const hasParams = [...params.keys()].length > 0;
  if (revocation.method === 'GET') {
    for (const [name, value] of params) url.searchParams.set(name, value);
  } else if (hasParams) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }

  const purpose = 'token revocation';
  const response = await sendProviderRequest({
    fetch: options.fetch,
    url,
    method: revocation.method,
    headers,
    ...(revocation.method !== 'GET' && hasParams ? { body: params } : {}),
    timeoutMs: options.timeoutMs,
    providerName: definition.name,
    purpose,
  });

  const body = response.body;
  const { successFlagPath, errorPath } = auth.tokenResponse;
  const ok = response.status >= 200 && response.status < 300;
  // Providers that answer HTTP 200 `{"ok": false}` (Slack) do so on every endpoint.
  const flagFailed =
    ok && successFlagPath !== undefined && isJsonObject(body) && !readJsonPath(body, successFlagPath);
  if (ok && !flagFailed) return { revoked: true };
  const code = isJsonObject(body) ? safeErrorCode(readJsonPath(body, errorPath)) : undefined;
  if (response.status < 500 && (code !== undefined || flagFailed)) {
    const providerCode = code ?? 'unknown_error';
    throw new AppError(
      'OAUTH_PROVIDER_ERROR',
      502,
      `${definition.name} refused the ${purpose}: ${providerCode}.`,
      [{ path: 'error', message: providerCode }],
    );
  }
  throw new AppError(
    'OAUTH_BAD_RESPONSE',
    502,
    `${definition.name} answered HTTP ${response.status} to the ${purpose}.`,
  );
}
