import { oauthEndpoints } from './oauthEndpoints';
import { requestTokens, type TokenEndpointOptions } from './requestTokens';
import type { TokenSet } from './tokenSet';

export type ExchangeAuthorizationCodeOptions = TokenEndpointOptions & {
  code: string;
  /** Must equal the redirect_uri of the authorization request. */
  redirectUri: string;
  /** The PKCE verifier; sent only when the entry uses PKCE. */
  codeVerifier?: string | undefined;
};

/** RFC 6749 §4.1.3 (+ RFC 7636 §4.5): trades the authorization code for tokens. */
export function exchangeAuthorizationCode(options: ExchangeAuthorizationCodeOptions): Promise<TokenSet> {
  const { auth } = oauthEndpoints(options.definition, options.accountType);
  const grant: Record<string, string> = {
    grant_type: 'authorization_code',
    code: options.code,
    redirect_uri: options.redirectUri,
  };
  if (auth.pkce && options.codeVerifier !== undefined) grant.code_verifier = options.codeVerifier;
  return requestTokens({
    ...options,
    grant,
    extraParams: auth.tokenParams,
    purpose: 'authorization code exchange',
  });
}
