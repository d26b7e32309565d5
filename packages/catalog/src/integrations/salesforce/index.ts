import { defineIntegration } from '../../integrationDefinition';
import { monogramIcon } from '../../monogramIcon';

const brandColor = '#00A1E0';

export const salesforce = defineIntegration({
  type: 'salesforce',
  name: 'Salesforce',
  brandColor,
  icon: monogramIcon('SF', brandColor),
  category: 'crm',
  description: 'Read and update accounts, contacts, leads and opportunities in Salesforce.',
  overview: `Connect your Salesforce org to:

- sync accounts, contacts and leads both ways
- create and update opportunities from this app
- run SOQL queries against your own records`,
  docsUrl: 'https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_rest.htm',
  auth: {
    type: 'oauth2',
    // Web server flow (PKCE recommended):
    // https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_web_server_flow.htm
    authorizationUrl: 'https://login.salesforce.com/services/oauth2/authorize',
    tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
    // Revoking a refresh token also revokes its access tokens:
    // https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_revoke_token.htm
    revocation: {
      url: 'https://login.salesforce.com/services/oauth2/revoke',
      method: 'POST',
      token: 'refresh',
      tokenPlacement: 'form',
    },
    // `refresh_token` (alias `offline_access`) is what makes Salesforce issue a refresh token at all,
    // provided the connected app's policy allows it.
    scopes: ['api', 'refresh_token'],
    clientAuthentication: 'body',
    pkce: true,
    // Refresh responses carry no new refresh token (keep the stored one). The token response has no
    // `expires_in`: the access token lives for the org's session timeout, so refresh on 401 INVALID_SESSION_ID:
    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_understanding_refresh_token_oauth.htm
    refresh: { refreshToken: 'always', rotates: false },
  },
  api: {
    // Every org has its own host, returned as `instance_url` by the token endpoint (and by refreshes).
    // v66.0 = Spring '26; Salesforce keeps old versions for years, bump deliberately.
    baseUrl: { fromProviderData: 'instanceUrl', path: '/services/data/v66.0' },
    // instance_url is https://<MyDomain>.my.salesforce.com (sandboxes: <MyDomain>--<box>.sandbox.my.salesforce.com).
    allowedHosts: ['*.salesforce.com'],
    rateLimit: {
      // Daily org-wide usage, e.g. `Sforce-Limit-Info: api-usage=18/5000`:
      // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
      usageHeader: { name: 'Sforce-Limit-Info', pattern: 'api-usage=(?<used>\\d+)/(?<limit>\\d+)' },
    },
  },
  account: {
    // `id` is the identity URL https://login.salesforce.com/id/<orgId>/<userId>: unique per user and org.
    providerId: { token: 'id' },
    providerData: { instanceUrl: { token: 'instance_url' } },
  },
  accountTypes: [
    { id: 'default', description: 'Production or Developer Edition org' },
    {
      // Sandboxes log in at test.salesforce.com (wire protocol 7.3 rewrites login. → test. the same way).
      id: 'sandbox',
      description: 'Sandbox org',
      authorizationUrl: 'https://test.salesforce.com/services/oauth2/authorize',
      tokenUrl: 'https://test.salesforce.com/services/oauth2/token',
      revocationUrl: 'https://test.salesforce.com/services/oauth2/revoke',
    },
  ],
});
