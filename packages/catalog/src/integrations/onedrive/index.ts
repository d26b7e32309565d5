import { defineIntegration } from '../../integrationDefinition';
import { microsoftGraphBaseUrl, microsoftOAuth2 } from '../../microsoftOAuth';
import { monogramIcon } from '../../monogramIcon';

const brandColor = '#0078D4';

export const onedrive = defineIntegration({
  type: 'onedrive',
  name: 'OneDrive',
  brandColor,
  icon: monogramIcon('OD', brandColor),
  category: 'fileStorage',
  description: 'Pick, read and upload files in OneDrive (personal or for Business).',
  overview: `Connect your OneDrive to:

- choose files and folders with the Microsoft file picker
- import the files you pick into this app
- save exports back to your OneDrive`,
  docsUrl: 'https://learn.microsoft.com/en-us/onedrive/developer/rest-api/',
  // Files.Read.All: the user's files and files shared with them (the picker's "Shared" view); User.Read
  // is the sign-in permission. Personal and work/school accounts both sign in through /common.
  auth: microsoftOAuth2('common', ['Files.Read.All', 'User.Read']),
  api: {
    baseUrl: microsoftGraphBaseUrl,
    // Only Graph gets the token: item `@microsoft.graph.downloadUrl`s (*.sharepoint.com, *.1drv.com) are
    // pre-authenticated and must be fetched without it.
    allowedHosts: ['graph.microsoft.com'],
  },
  account: {
    // The user's default drive: https://learn.microsoft.com/en-us/graph/api/drive-get — `webUrl` is the
    // drive in a browser: https://<tenant>-my.sharepoint.com/personal/<user>/Documents for OneDrive for
    // Business, on onedrive.live.com for personal accounts. `driveType` is personal | business.
    request: { method: 'GET', url: '/me/drive' },
    providerId: { identity: 'owner.user.id' },
    providerData: {
      driveId: { identity: 'id' },
      driveType: { identity: 'driveType' },
      driveWebUrl: { identity: 'webUrl' },
      displayName: { identity: 'owner.user.displayName' },
    },
  },
  filePicker: {
    // The SDK's OneDrive picker opens `${DOMAIN}/picker` for onedrive.live.com, else
    // `${DOMAIN}/_layouts/15/FilePicker.aspx` (File Picker v8:
    // https://learn.microsoft.com/en-us/onedrive/developer/controls/file-pickers/). For Business the drive's
    // origin is that SharePoint host; a personal drive — or a webUrl on any other host — uses onedrive.live.com.
    // Note: for Business, v8 expects a token for the SharePoint resource (`${DOMAIN}/.default`); this
    // credential holds a Graph token, which the picker page may refuse.
    domain: {
      fromProviderData: 'driveWebUrl',
      hosts: ['onedrive.live.com', '*.sharepoint.com'],
      fallback: 'https://onedrive.live.com',
    },
  },
});
