import { defineIntegration } from '../../integrationDefinition';
import { monogramIcon } from '../../monogramIcon';

const brandColor = '#0061FE';

export const dropbox = defineIntegration({
  type: 'dropbox',
  name: 'Dropbox',
  brandColor,
  icon: monogramIcon('DB', brandColor),
  category: 'fileStorage',
  description: 'Pick, read and upload files in Dropbox.',
  overview: `Connect your Dropbox to:

- choose files with the Dropbox Chooser
- import the files you pick into this app
- save exports back to your Dropbox`,
  docsUrl: 'https://www.dropbox.com/developers/documentation/http/documentation',
  auth: {
    type: 'oauth2',
    // https://www.dropbox.com/developers/documentation/http/documentation#oauth2-authorize
    authorizationUrl: 'https://www.dropbox.com/oauth2/authorize',
    tokenUrl: 'https://api.dropboxapi.com/oauth2/token',
    // auth/token/revoke disables the token it is called with, and with it the refresh token behind it
    // and every access token from that refresh token. It takes no arguments (no body).
    revocation: {
      url: 'https://api.dropboxapi.com/2/auth/token/revoke',
      method: 'POST',
      token: 'access',
      tokenPlacement: 'requestAuth',
    },
    // Scoped apps: the scopes must also be enabled in the app console.
    scopes: ['account_info.read', 'files.metadata.read', 'files.content.read'],
    clientAuthentication: 'body',
    pkce: true,
    // Access tokens are short-lived (expires_in, about 4 h); a refresh token is issued only with
    // token_access_type=offline, never expires on its own and does not rotate (refresh answers carry
    // none): https://dropbox.tech/developers/using-oauth-2-0-with-offline-access
    authorizationParams: { token_access_type: 'offline' },
    refresh: { refreshToken: 'always', rotates: false },
  },
  api: {
    // RPC endpoints; uploads and downloads are on content.dropboxapi.com (full-URL proxying).
    // 429s carry Retry-After.
    baseUrl: 'https://api.dropboxapi.com/2',
    allowedHosts: ['api.dropboxapi.com', 'content.dropboxapi.com'],
  },
  account: {
    // An RPC endpoint without arguments: POST with no body and no Content-Type.
    // https://www.dropbox.com/developers/documentation/http/documentation#users-get_current_account
    request: { method: 'POST', url: '/users/get_current_account' },
    providerId: { identity: 'account_id' },
    providerData: { email: { identity: 'email' }, name: { identity: 'name.display_name' } },
  },
  // The official client has no Dropbox picker ("dropbox's file picker is not supported"); Switchboard's
  // SDK uses the Dropbox Chooser, which needs the app key (the OAuth client id) and signs in on its own:
  // https://www.dropbox.com/developers/chooser
  filePicker: { requiredInitOptions: ['appKey'] },
});
