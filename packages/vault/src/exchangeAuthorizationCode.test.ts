import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exchangeAuthorizationCode } from './exchangeAuthorizationCode';
import { refreshTokenSet } from './refreshTokenSet';
import { appErrorOf as failure } from './testing/appErrorOf';
import {
  defineQuirkyIntegration,
  type QuirkyProvider,
  startQuirkyProvider,
} from './testing/startQuirkyProvider';

let provider: QuirkyProvider;
beforeAll(async () => {
  provider = await startQuirkyProvider();
});
afterAll(() => provider.close());

const clientSecret = 'client-s3cret:+/%';
const common = () => ({
  clientId: 'client 1',
  clientSecret,
  redirectUri: 'https://switchboard.example/oauth/callback',
  templateValues: {},
  fetch: provider.fetch,
});

/** A port nothing listens on. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

function lastRequest() {
  const request = provider.requests.at(-1);
  if (!request) throw new Error('no request recorded');
  return request;
}

describe('exchangeAuthorizationCode', () => {
  test('posts the grant with HTTP Basic client authentication and reads the standard response', async () => {
    const definition = defineQuirkyIntegration({ auth: { tokenParams: { expiring: '1' } } });
    const before = Date.now();
    const tokens = await exchangeAuthorizationCode({
      ...common(),
      definition,
      code: 'good',
      codeVerifier: 'v'.repeat(43),
    });
    expect(tokens).toMatchObject({
      accessToken: 'at-1',
      refreshToken: 'rt-1',
      scope: ['contacts.read', 'contacts.write'],
      extraTokens: {},
    });
    expect(tokens.tokenResponse.account).toEqual({ id: 'acc-9', region: 'eu' });
    const expiresAt = tokens.expiresAt?.getTime() ?? 0;
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3600_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000);

    const request = lastRequest();
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.headers.accept).toBe('application/json');
    // RFC 6749 §2.3.1: each part form-urlencoded before base64.
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from('client+1:client-s3cret%3A%2B%2F%25').toString('base64')}`,
    );
    expect(Object.fromEntries(request.form)).toEqual({
      grant_type: 'authorization_code',
      code: 'good',
      redirect_uri: 'https://switchboard.example/oauth/callback',
      code_verifier: 'v'.repeat(43),
      expiring: '1',
    });
  });

  test('sends client credentials in the body and no verifier when the entry does not use PKCE', async () => {
    const definition = defineQuirkyIntegration({ auth: { clientAuthentication: 'body', pkce: false } });
    await exchangeAuthorizationCode({ ...common(), definition, code: 'good', codeVerifier: 'ignored' });
    const request = lastRequest();
    expect(request.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(request.form)).toEqual({
      grant_type: 'authorization_code',
      code: 'good',
      redirect_uri: 'https://switchboard.example/oauth/callback',
      client_id: 'client 1',
      client_secret: clientSecret,
    });
  });

  test('reads Slack-style nested tokens and reports ok:false on HTTP 200 as a provider error', async () => {
    const { slack } = await import('@switchboard/catalog').then((catalog) => ({
      slack: catalog.getIntegrationDefinition('slack'),
    }));
    if (!slack) throw new Error('slack missing from the catalog');
    // The real Slack entry, with its URLs moved to the test network.
    const definition = defineQuirkyIntegration({
      auth: {
        ...slack.auth,
        authorizationUrl: 'https://quirky.test/oauth/authorize',
        tokenUrl: 'https://quirky.test/oauth/token',
        revocation: undefined,
      },
      account: slack.account,
    } as Parameters<typeof defineQuirkyIntegration>[0]);
    const tokens = await exchangeAuthorizationCode({ ...common(), definition, code: 'slack-good' });
    expect(tokens.accessToken).toBe('xoxb-bot-token');
    expect(tokens.extraTokens).toEqual({ userAccessToken: 'xoxp-user-token' });
    expect(tokens.scope).toEqual(['channels:read', 'chat:write']);
    expect(tokens.refreshToken).toBeUndefined();
    expect(tokens.expiresAt).toBeUndefined();

    const error = await failure(exchangeAuthorizationCode({ ...common(), definition, code: 'slack-bad' }));
    expect(error).toMatchObject({ code: 'OAUTH_PROVIDER_ERROR', status: 502 });
    expect(error.message).toBe('Quirky refused the authorization code exchange: invalid_code.');
    expect(error.details).toEqual([{ path: 'error', message: 'invalid_code' }]);
  });

  test('classifies provider errors without repeating codes or secrets', async () => {
    const definition = defineQuirkyIntegration();
    const error = await failure(
      exchangeAuthorizationCode({ ...common(), definition, code: 'echo-this-secret-code' }),
    );
    expect(error.code).toBe('OAUTH_PROVIDER_ERROR');
    expect(error.message).toContain('invalid_grant');
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain('echo-this-secret-code');

    // GitHub-style: HTTP 200 with an error and no token.
    const ok200 = await failure(exchangeAuthorizationCode({ ...common(), definition, code: 'error-200' }));
    expect(ok200.code).toBe('OAUTH_PROVIDER_ERROR');
    expect(ok200.message).toContain('bad_verification_code (The code is incorrect)');
  });

  test('classifies nonsense answers as OAUTH_BAD_RESPONSE', async () => {
    const definition = defineQuirkyIntegration();
    const cases: [string, RegExp][] = [
      ['html', /sent text\/html instead of JSON/],
      ['crash', /answered HTTP 500/],
      ['unavailable', /answered HTTP 503/],
      ['no-token', /sent no access token/],
    ];
    for (const [code, message] of cases) {
      const error = await failure(exchangeAuthorizationCode({ ...common(), definition, code }));
      expect(error.code, code).toBe('OAUTH_BAD_RESPONSE');
      expect(error.status).toBe(502);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain(clientSecret);
    }
  });

  test('accepts form-encoded answers, string expires_in and scope arrays', async () => {
    const definition = defineQuirkyIntegration();
    const form = await exchangeAuthorizationCode({ ...common(), definition, code: 'form-encoded' });
    expect(form).toMatchObject({ accessToken: 'at-form', scope: ['repo'] });
    const stringy = await exchangeAuthorizationCode({ ...common(), definition, code: 'string-expiry' });
    expect(stringy.scope).toEqual(['a', 'b']);
    expect((stringy.expiresAt?.getTime() ?? 0) - Date.now()).toBeGreaterThan(7_100_000);
  });

  test('times out slow providers and reports unreachable ones', async () => {
    const definition = defineQuirkyIntegration();
    const slow = await failure(
      exchangeAuthorizationCode({ ...common(), definition, code: 'slow', timeoutMs: 200 }),
    );
    expect(slow).toMatchObject({ code: 'PROVIDER_UNREACHABLE', status: 502 });
    expect(slow.message).toBe(
      'Quirky did not answer the authorization code exchange within 0.2 s (quirky.test). Try again later.',
    );

    const port = await freePort();
    const closedPort: typeof fetch = (_input, init) => fetch(`http://127.0.0.1:${port}/oauth/token`, init);
    const refused = await failure(
      exchangeAuthorizationCode({ ...common(), definition, code: 'good', fetch: closedPort }),
    );
    expect(refused.code).toBe('PROVIDER_UNREACHABLE');
    expect(refused.message).toMatch(
      /could not be reached for the authorization code exchange \(quirky\.test: ECONNREFUSED\)/,
    );
  });

  test('validates inputs before using them in the token URL', async () => {
    const definition = defineQuirkyIntegration({
      auth: {
        inputs: [{ id: 'region', title: 'Region', pattern: '[a-z]{2}' }],
        tokenUrl: 'https://{{region}}.quirky.test/oauth/token',
      },
      api: { baseUrl: 'https://quirky.test/api', allowedHosts: ['quirky.test', '{{region}}.quirky.test'] },
    });
    const ok = await exchangeAuthorizationCode({
      ...common(),
      definition,
      code: 'good',
      templateValues: { region: 'eu' },
    });
    expect(ok.accessToken).toBe('at-1');
    expect(lastRequest().host).toBe('eu.quirky.test');
    const error = await failure(
      exchangeAuthorizationCode({
        ...common(),
        definition,
        code: 'good',
        templateValues: { region: 'evil.example/x' },
      }),
    );
    expect(error).toMatchObject({ code: 'INSTALL_INPUT_INVALID', status: 400 });
    expect(error.message).toBe('"Region" (region) is not valid: it must match the pattern [a-z]{2}.');
  });
});

describe('refreshTokenSet', () => {
  test('keeps the old refresh token when none is returned, takes the new one when rotated', async () => {
    const definition = defineQuirkyIntegration();
    const kept = await refreshTokenSet({ ...common(), definition, refreshToken: 'rt-keep' });
    expect(kept).toMatchObject({ accessToken: 'at-2', refreshToken: 'rt-keep' });
    expect(Object.fromEntries(lastRequest().form)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt-keep',
    });

    const rotated = await refreshTokenSet({ ...common(), definition, refreshToken: 'rt-rotate' });
    expect(rotated).toMatchObject({ accessToken: 'at-3', refreshToken: 'rt-rotated' });

    const error = await failure(refreshTokenSet({ ...common(), definition, refreshToken: 'rt-dead-token' }));
    expect(error.code).toBe('OAUTH_PROVIDER_ERROR');
    expect(error.message).toBe('Quirky refused the token refresh: invalid_grant (refresh token is invalid).');
  });
});
