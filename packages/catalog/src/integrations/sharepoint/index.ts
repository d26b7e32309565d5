import { defineIntegration } from '../../integrationDefinition';
import { microsoftGraphBaseUrl, microsoftOAuth2 } from '../../microsoftOAuth';
import { monogramIcon } from '../../monogramIcon';

const brandColor = '#038387';

export const sharepoint = defineIntegration({
  type: 'sharepoint',
  name: 'SharePoint',
  brandColor,
  icon: monogramIcon('SP', brandColor),
  category: 'fileStorage',
  description: 'Pick and read documents in your SharePoint sites.',
  overview: `Connect SharePoint to:

- choose documents from your sites with the Microsoft file picker
- import the files you pick into this app
- read document libraries and lists you have access to`,
  docsUrl: 'https://learn.microsoft.com/en-us/graph/api/resources/sharepoint',
  // Sites.Read.All: sites, lists and document libraries the user can reach; Files.Read.All: their files.
  // SharePoint is work/school only, so personal accounts are turned away at sign-in (`organizations`).
  auth: microsoftOAuth2('organizations', ['Sites.Read.All', 'Files.Read.All', 'User.Read']),
  api: {
    baseUrl: microsoftGraphBaseUrl,
    // File download URLs on *.sharepoint.com are pre-authenticated: never send the Graph token there.
    allowedHosts: ['graph.microsoft.com'],
  },
  account: {
    // The tenant's root site: https://learn.microsoft.com/en-us/graph/api/site-get — `webUrl` is
    // https://<tenant>.sharepoint.com, which the SDK's SharePoint picker reads as providerData.webUrl
    // (`${webUrl}/_layouts/15/FilePicker.aspx`). One identity request is all an entry declares, so the
    // providerId is the root site's id (the tenant, as Slack's is the workspace), not the user's.
    request: { method: 'GET', url: '/sites/root' },
    providerId: { identity: 'id' },
    providerData: {
      webUrl: { identity: 'webUrl' },
      hostname: { identity: 'siteCollection.hostname' },
      siteName: { identity: 'displayName' },
    },
  },
  // Like OneDrive for Business, the v8 picker page expects a SharePoint-resource token; this is a Graph one.
  filePicker: {},
});
