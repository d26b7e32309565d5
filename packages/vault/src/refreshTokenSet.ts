import { requestTokens, type TokenEndpointOptions } from './requestTokens';
import type { TokenSet } from './tokenSet';

export type RefreshTokenSetOptions = TokenEndpointOptions & { refreshToken: string };

/**
 * RFC 6749 §6. When the answer carries no refresh token the old one stays valid (non-rotating
 * providers), so it is kept. With rotating providers the returned refresh token replaces the old one,
 * which dies: persist the result before anything else, and refresh single-flight.
 */
export async function refreshTokenSet(options: RefreshTokenSetOptions): Promise<TokenSet> {
  const tokenSet = await requestTokens({
    ...options,
    grant: { grant_type: 'refresh_token', refresh_token: options.refreshToken },
    // tokenParams are documented for the code exchange only.
    extraParams: {},
    purpose: 'token refresh',
  });
  return { ...tokenSet, refreshToken: tokenSet.refreshToken ?? options.refreshToken };
}
