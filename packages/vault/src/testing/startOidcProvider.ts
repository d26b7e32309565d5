import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineIntegration, monogramIcon } from '@switchboard/catalog';
import Provider, { type Grant } from 'oidc-provider';

/*
 * oidc-provider 9 (an independent, certified OAuth 2.0 / OpenID Connect server) on 127.0.0.1, as the
 * peer for conformance tests: PKCE required, rotating refresh tokens, RFC 7009 revocation, one client
 * per client authentication method. Its interactions are answered in-process (login as `accountId`,
 * consent to everything asked), so driving the browser part is following redirects with cookies.
 */

export const oidcRedirectUri = 'https://switchboard.example/oauth/callback';
/** Holds characters that RFC 6749 §2.3.1 form-encoding changes inside HTTP Basic credentials. */
export const oidcClientSecret = 'secret:with+special/%chars';
export const oidcAccountId = 'user-1';

/**
 * A local catalog entry for oidc-provider. Without `origin` its URLs use `{{switchboardOrigin}}` (the
 * vault's tests fill it with the provider's origin); with `origin` they name it outright, for a
 * Switchboard server that fills `{{switchboardOrigin}}` with its own.
 */
export function oidcPeerDefinition(options: {
  clientAuthentication: 'basic' | 'body';
  origin?: string;
  scopes?: string[];
}) {
  const base = options.origin ?? '{{switchboardOrigin}}';
  return defineIntegration({
    type: 'oidcpeer',
    name: 'OIDC Peer',
    brandColor: '#334455',
    icon: monogramIcon('OP', '#334455'),
    category: 'developerTools',
    description: 'oidc-provider as a conformance peer.',
    overview: 'Test peer.',
    docsUrl: 'https://github.com/panva/node-oidc-provider',
    local: true,
    auth: {
      type: 'oauth2',
      authorizationUrl: `${base}/auth`,
      tokenUrl: `${base}/token`,
      revocation: {
        url: `${base}/token/revocation`,
        token: 'refresh',
        tokenPlacement: 'form',
        clientAuthentication: options.clientAuthentication,
      },
      scopes: options.scopes ?? ['openid', 'contacts.read'],
      clientAuthentication: options.clientAuthentication,
      pkce: true,
      refresh: { refreshToken: 'always', rotates: true },
    },
    api: { baseUrl: base, allowedHosts: [options.origin ? '127.0.0.1' : '{{switchboardOrigin}}'] },
    // oidc-provider's userinfo endpoint is /me.
    account: { request: { url: '/me' }, providerId: { identity: 'sub' } },
  });
}

export type OidcProvider = {
  origin: string;
  close(): Promise<void>;
};

async function finishInteraction(provider: Provider, request: IncomingMessage, response: ServerResponse) {
  const interaction = await provider.interactionDetails(request, response);
  if (interaction.prompt.name === 'login') {
    await provider.interactionFinished(request, response, { login: { accountId: oidcAccountId } });
    return;
  }
  const clientId = String(interaction.params.client_id);
  let grant: Grant | undefined;
  if (interaction.grantId) grant = await provider.Grant.find(interaction.grantId);
  grant ??= new provider.Grant({ accountId: interaction.session?.accountId ?? oidcAccountId, clientId });
  const details = interaction.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(resource, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(
    request,
    response,
    { consent: { grantId } },
    { mergeWithLastSubmission: true },
  );
}

/** `redirectUris`: where the clients may be sent back (default: a fixed URI the vault tests use). */
export async function startOidcProvider(options: { redirectUris?: string[] } = {}): Promise<OidcProvider> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const client = {
    client_secret: oidcClientSecret,
    redirect_uris: options.redirectUris ?? [oidcRedirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  };
  const provider = new Provider(origin, {
    clients: [
      { ...client, client_id: 'basic-client', token_endpoint_auth_method: 'client_secret_basic' },
      { ...client, client_id: 'post-client', token_endpoint_auth_method: 'client_secret_post' },
    ],
    scopes: ['openid', 'offline_access', 'contacts.read', 'contacts.write'],
    pkce: { required: () => true },
    rotateRefreshToken: true,
    issueRefreshToken: async () => true,
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub }),
    }),
    interactions: {
      url: async (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true, allowedPolicy: async () => true },
    },
    // Explicit, so the provider does not print a notice for each default.
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: 3600,
      Interaction: 600,
      RefreshToken: 86_400,
      Session: 3600,
    },
    jwks: { keys: [signingKey] },
    cookies: { keys: ['vault-conformance-test-cookie-key'] },
  });
  const callback = provider.callback();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.url?.startsWith('/interaction/')) {
      finishInteraction(provider, request, response).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
      return;
    }
    callback(request, response);
  });

  return {
    origin,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/**
 * Plays the user's browser: follows the authorization redirects (keeping cookies) until the provider
 * sends it to `redirectUri`, and returns that URL (`?code=…&state=…` or `?error=…`).
 */
export async function authorizeInBrowser(
  authorizationUrl: string,
  redirectUri = oidcRedirectUri,
): Promise<URL> {
  const cookies = new Map<string, string>();
  let url = authorizationUrl;
  for (let hop = 0; hop < 10; hop++) {
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';');
      const equals = pair.indexOf('=');
      const name = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      const expired = attributes.some((attribute) => /^\s*(max-age=0|expires=.*1970)/i.test(attribute));
      if (value === '' || expired) cookies.delete(name);
      else cookies.set(name, value);
    }
    const body = await response.text();
    const location = response.headers.get('location');
    if (!location) throw new Error(`authorization stopped at HTTP ${response.status}: ${body.slice(0, 500)}`);
    const next = new URL(location, url);
    if (next.href.startsWith(redirectUri)) return next;
    url = next.href;
  }
  throw new Error('authorization did not reach the redirect URI within 10 redirects');
}
