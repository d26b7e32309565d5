import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildAuthorizationUrl } from './buildAuthorizationUrl';
import { exchangeAuthorizationCode } from './exchangeAuthorizationCode';
import { createPkcePair } from './pkce';
import { refreshTokenSet } from './refreshTokenSet';
import { resolveAccount } from './resolveAccount';
import { revokeTokens } from './revokeTokens';
import { appErrorOf } from './testing/appErrorOf';
import {
  authorizeInBrowser,
  type OidcProvider,
  oidcAccountId,
  oidcClientSecret,
  oidcPeerDefinition,
  oidcRedirectUri,
  startOidcProvider,
} from './testing/startOidcProvider';

/*
 * The vault's OAuth client against oidc-provider 9, an independent certified OAuth 2.0 server: the
 * authorization code grant with PKCE, both client authentication methods, rotating refresh tokens,
 * RFC 7009 revocation and the userinfo endpoint as the identity request.
 */

let oidc: OidcProvider;
beforeAll(async () => {
  oidc = await startOidcProvider();
});
afterAll(() => oidc.close());

/** A local catalog entry pointing at the provider (its origin fills {{switchboardOrigin}}). */
const oidcIntegration = (clientAuthentication: 'basic' | 'body') =>
  oidcPeerDefinition({ clientAuthentication });

const clients = { basic: 'basic-client', body: 'post-client' } as const;

/** Runs the browser part of the grant; returns what the token exchange needs. */
async function authorize(clientAuthentication: 'basic' | 'body') {
  const definition = oidcIntegration(clientAuthentication);
  const templateValues = { switchboardOrigin: oidc.origin };
  const pkce = createPkcePair();
  const state = `state-${Math.random().toString(36).slice(2)}`;
  const authorizationUrl = buildAuthorizationUrl({
    definition,
    clientId: clients[clientAuthentication],
    scopes: ['openid', 'contacts.read'],
    redirectUri: oidcRedirectUri,
    state,
    codeChallenge: pkce.challenge,
    templateValues,
  });
  const callback = await authorizeInBrowser(authorizationUrl);
  expect(callback.searchParams.get('error')).toBeNull();
  expect(callback.searchParams.get('state')).toBe(state);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${callback.href}`);
  const client = {
    definition,
    clientId: clients[clientAuthentication],
    clientSecret: oidcClientSecret,
    templateValues,
    fetch,
  };
  return { client, code, verifier: pkce.verifier };
}

describe('OAuth client against oidc-provider', () => {
  test('authorization URL → code → exchange with PKCE → identity; refresh rotates and the old token dies', async () => {
    const { client, code, verifier } = await authorize('basic');
    const tokens = await exchangeAuthorizationCode({
      ...client,
      code,
      redirectUri: oidcRedirectUri,
      codeVerifier: verifier,
    });
    expect(tokens.accessToken).toEqual(expect.any(String));
    expect(tokens.refreshToken).toEqual(expect.any(String));
    expect(tokens.scope).toEqual(expect.arrayContaining(['openid', 'contacts.read']));
    expect(tokens.tokenResponse.token_type).toBe('Bearer');
    const lifetime = (tokens.expiresAt?.getTime() ?? 0) - Date.now();
    expect(lifetime).toBeGreaterThan(0);
    expect(lifetime).toBeLessThanOrEqual(3600_000);

    const account = await resolveAccount({ ...client, tokenSet: tokens });
    expect(account).toEqual({ providerId: oidcAccountId, providerData: {} });

    const refreshed = await refreshTokenSet({ ...client, refreshToken: tokens.refreshToken ?? '' });
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).toEqual(expect.any(String));
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
    // The fresh access token works.
    expect(await resolveAccount({ ...client, tokenSet: refreshed })).toMatchObject({
      providerId: oidcAccountId,
    });

    const reused = await appErrorOf(refreshTokenSet({ ...client, refreshToken: tokens.refreshToken ?? '' }));
    expect(reused).toMatchObject({ code: 'OAUTH_PROVIDER_ERROR', status: 502 });
    expect(reused.details).toEqual([{ path: 'error', message: 'invalid_grant' }]);
    expect(reused.message).toMatch(/^OIDC Peer refused the token refresh: invalid_grant/);
    expect(reused.message).not.toContain(tokens.refreshToken ?? '');
  });

  test('a wrong code_verifier is the provider refusing the grant', async () => {
    const { client, code } = await authorize('basic');
    const wrongVerifier = createPkcePair().verifier;
    const error = await appErrorOf(
      exchangeAuthorizationCode({
        ...client,
        code,
        redirectUri: oidcRedirectUri,
        codeVerifier: wrongVerifier,
      }),
    );
    expect(error).toMatchObject({ code: 'OAUTH_PROVIDER_ERROR', status: 502 });
    expect(error.details).toEqual([{ path: 'error', message: 'invalid_grant' }]);
    for (const secret of [code, wrongVerifier, oidcClientSecret]) expect(error.message).not.toContain(secret);
  });

  test('client_secret_post works, a wrong secret is invalid_client, and revocation ends the grant', async () => {
    const { client, code, verifier } = await authorize('body');
    const wrongSecret = await appErrorOf(
      exchangeAuthorizationCode({
        ...client,
        clientSecret: 'not-the-secret',
        code,
        redirectUri: oidcRedirectUri,
        codeVerifier: verifier,
      }),
    );
    expect(wrongSecret.details).toEqual([{ path: 'error', message: 'invalid_client' }]);

    const tokens = await exchangeAuthorizationCode({
      ...client,
      code,
      redirectUri: oidcRedirectUri,
      codeVerifier: verifier,
    });
    expect(await revokeTokens({ ...client, tokenSet: tokens })).toEqual({ revoked: true });
    const afterRevocation = await appErrorOf(
      refreshTokenSet({ ...client, refreshToken: tokens.refreshToken ?? '' }),
    );
    expect(afterRevocation.details).toEqual([{ path: 'error', message: 'invalid_grant' }]);
  });
});
