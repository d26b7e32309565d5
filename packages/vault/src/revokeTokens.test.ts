import { getIntegrationDefinition } from '@switchboard/catalog';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { revokeTokens } from './revokeTokens';
import { appErrorOf } from './testing/appErrorOf';
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

const common = () => ({
  clientId: 'client-1',
  clientSecret: 'secret-1',
  templateValues: {},
  fetch: provider.fetch,
});

describe('revokeTokens', () => {
  test('posts an RFC 7009 form with the refresh token and the chosen client authentication', async () => {
    const definition = defineQuirkyIntegration({
      auth: {
        revocation: {
          url: 'https://quirky.test/oauth/revoke',
          token: 'refresh',
          tokenPlacement: 'form',
          clientAuthentication: 'basic',
        },
      },
    });
    const result = await revokeTokens({
      ...common(),
      definition,
      tokenSet: { accessToken: 'at-1', refreshToken: 'rt-1' },
    });
    expect(result).toEqual({ revoked: true });
    const request = provider.requests.at(-1);
    expect(request).toMatchObject({ method: 'POST', path: '/oauth/revoke' });
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from('client-1:secret-1').toString('base64')}`,
    );
    expect(Object.fromEntries(request?.form ?? [])).toEqual({
      token: 'rt-1',
      token_type_hint: 'refresh_token',
    });

    // Without a refresh token, the access token is revoked; `body` puts the client in the form.
    const bodyAuth = defineQuirkyIntegration({
      auth: {
        revocation: {
          url: 'https://quirky.test/oauth/revoke',
          token: 'refresh',
          tokenPlacement: 'form',
          clientAuthentication: 'body',
        },
      },
    });
    await revokeTokens({ ...common(), definition: bodyAuth, tokenSet: { accessToken: 'at-1' } });
    expect(Object.fromEntries(provider.requests.at(-1)?.form ?? [])).toEqual({
      token: 'at-1',
      token_type_hint: 'access_token',
      client_id: 'client-1',
      client_secret: 'secret-1',
    });
  });

  test('sends the token as the request credential (Slack auth.revoke) and honours ok:false', async () => {
    const slack = getIntegrationDefinition('slack');
    if (slack?.auth.type !== 'oauth2') throw new Error('slack missing');
    const definition = defineQuirkyIntegration({
      auth: {
        ...slack.auth,
        authorizationUrl: 'https://quirky.test/oauth/authorize',
        tokenUrl: 'https://quirky.test/oauth/token',
        revocation: { ...slack.auth.revocation, url: 'https://quirky.test/api/auth.revoke' },
      },
    } as Parameters<typeof defineQuirkyIntegration>[0]);
    expect(await revokeTokens({ ...common(), definition, tokenSet: { accessToken: 'xoxb-1' } })).toEqual({
      revoked: true,
    });
    const request = provider.requests.at(-1);
    expect(request).toMatchObject({ method: 'POST', path: '/api/auth.revoke' });
    expect(request?.headers.authorization).toBe('Bearer xoxb-1');
    expect(request?.headers['content-type']).toBeUndefined();

    const error = await appErrorOf(
      revokeTokens({ ...common(), definition, tokenSet: { accessToken: 'dead' } }),
    );
    expect(error).toMatchObject({
      code: 'OAUTH_PROVIDER_ERROR',
      message: 'Quirky refused the token revocation: invalid_auth.',
    });
  });

  test('does nothing for entries without revocation', async () => {
    const before = provider.requests.length;
    const result = await revokeTokens({
      ...common(),
      definition: defineQuirkyIntegration(),
      tokenSet: { accessToken: 'a' },
    });
    expect(result).toEqual({ revoked: false });
    expect(provider.requests.length).toBe(before);
  });
});
