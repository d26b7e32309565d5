import { defineIntegration } from '../../integrationDefinition';
import { monogramIcon } from '../../monogramIcon';

const brandColor = '#0061D5';

export const box = defineIntegration({
  type: 'box',
  name: 'Box',
  brandColor,
  icon: monogramIcon('BX', brandColor),
  category: 'fileStorage',
  description: 'Pick, read and upload files in Box.',
  overview: `Connect your Box account to:

- choose files and folders with the Box Content Picker
- import the files you pick into this app
- save exports back to your Box folders`,
  docsUrl: 'https://developer.box.com/guides/authentication/oauth2/',
  auth: {
    type: 'oauth2',
    // https://developer.box.com/reference/get-authorize/
    authorizationUrl: 'https://account.box.com/api/oauth2/authorize',
    tokenUrl: 'https://api.box.com/oauth2/token',
    // Either token may be sent; the refresh token ends the grant:
    // https://developer.box.com/guides/authentication/tokens/revoke/
    revocation: {
      url: 'https://api.box.com/oauth2/revoke',
      method: 'POST',
      token: 'refresh',
      tokenPlacement: 'form',
      clientAuthentication: 'body',
    },
    // Without `scope`, Box grants every scope configured for the app in its developer console
    // (the Content Picker needs read access: "Read all files and folders stored in Box").
    scopes: [],
    clientAuthentication: 'body',
    // Box documents no PKCE parameters for its authorize/token endpoints.
    pkce: false,
    // Access tokens last 60 minutes; a refresh token is valid for 60 days and works once: each refresh
    // returns a new one and kills the old: https://developer.box.com/guides/authentication/tokens/refresh/
    refresh: { refreshToken: 'always', rotates: true },
  },
  api: {
    baseUrl: 'https://api.box.com/2.0',
    // Uploads go to https://upload.box.com/api/2.0 (full-URL proxying). 429s carry Retry-After.
    allowedHosts: ['api.box.com', 'upload.box.com'],
  },
  account: {
    // The token response names no user: https://developer.box.com/reference/get-users-me/
    request: { method: 'GET', url: '/users/me' },
    providerId: { identity: 'id' },
    providerData: { email: { identity: 'login' }, name: { identity: 'name' } },
  },
  // The SDK's Box picker shows `Box.FilePicker` at a folder the page names (`"0"` is the root).
  filePicker: { requiredInitOptions: ['folderId'] },
});
