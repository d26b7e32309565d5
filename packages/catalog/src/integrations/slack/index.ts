import { defineIntegration } from '../../integrationDefinition';
import { monogramIcon } from '../../monogramIcon';

const brandColor = '#4A154B';

export const slack = defineIntegration({
  type: 'slack',
  name: 'Slack',
  brandColor,
  icon: monogramIcon('SL', brandColor),
  category: 'messaging',
  description: 'Send messages and notifications to Slack channels.',
  overview: `Connect your Slack workspace to:

- post notifications and alerts to the channels you choose
- look up channels and members
- send direct messages from the app's bot`,
  docsUrl: 'https://docs.slack.dev/apis/web-api/',
  auth: {
    type: 'oauth2',
    // OAuth v2 ("granular bot permissions"): `scope` holds bot scopes, `user_scope` user scopes.
    authorizationUrl: 'https://slack.com/oauth/v2/authorize',
    // Slack prefers client credentials via HTTP Basic: https://docs.slack.dev/reference/methods/oauth.v2.access
    tokenUrl: 'https://slack.com/api/oauth.v2.access',
    // auth.revoke takes the token being revoked as the request's own token.
    revocation: {
      url: 'https://slack.com/api/auth.revoke',
      method: 'POST',
      token: 'access',
      tokenPlacement: 'requestAuth',
    },
    scopes: ['channels:read', 'chat:write', 'users:read'],
    scopeSeparator: ',',
    clientAuthentication: 'basic',
    // PKCE must be switched on in the Slack app and irreversibly makes it a public client:
    // https://docs.slack.dev/authentication/using-pkce — so a server-side client does not send it.
    pkce: false,
    // Tokens never expire unless the app enables token rotation; then access tokens last 12 h and each
    // refresh replaces the refresh token: https://docs.slack.dev/authentication/using-token-rotation
    refresh: { refreshToken: 'optional', rotates: true },
    tokenResponse: {
      // Failures come back as HTTP 200 `{"ok": false, "error": "invalid_code"}`.
      successFlagPath: 'ok',
      // The top-level token is the bot token (xoxb-); a user token (xoxp-), when user scopes were
      // requested, is nested under authed_user.
      extraTokenPaths: { userAccessToken: 'authed_user.access_token' },
    },
  },
  api: {
    baseUrl: 'https://slack.com/api',
    // files.slack.com serves `url_private` downloads, which need the token.
    allowedHosts: ['slack.com', 'files.slack.com'],
    // 429 with Retry-After (the default): https://docs.slack.dev/apis/web-api/rate-limits
  },
  account: {
    providerId: { token: 'team.id' },
    providerData: {
      teamId: { token: 'team.id' },
      teamName: { token: 'team.name' },
      enterpriseId: { token: 'enterprise.id' },
      botUserId: { token: 'bot_user_id' },
      authedUserId: { token: 'authed_user.id' },
    },
  },
});
