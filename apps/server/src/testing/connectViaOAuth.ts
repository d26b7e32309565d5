import { request as httpRequest } from 'node:http';
import { call } from './startTestServer';

const APP_ORIGIN = 'http://app.example.test';
let metaCounter = 0;

/**
 * A credential with real sealed tokens, made through the popup OAuth flow of the official client
 * (oauth-nonce → build-oauth → provider → callback → session-id) against a fake provider that
 * approves at once. Returns the user's token and the new credential's id.
 */
export async function connectViaOAuth(
  server: { url: string },
  project: {
    projectId: string;
    token(sub: string): Promise<string>;
    integrationId(type: string): Promise<string>;
  },
  sub: string,
  type = 'fakeoauth',
  options: {
    /** Goes through the provider's consent from the authorization URL; answers the callback URL. */
    consent?: (authorizationUrl: string) => Promise<string>;
  } = {},
): Promise<{ token: string; credentialId: string }> {
  const token = await project.token(sub);
  const integrationId = await project.integrationId(type);
  const oauthMetaKeyId = `meta${++metaCounter}`;
  const nonce = await fetch(
    `${server.url}/projects/${project.projectId}/sdk/actions/oauth-nonce?action=${type}&integrationId=${integrationId}&originForPostMessage=${APP_ORIGIN}&userToken=${token}`,
  );
  const cookie = nonce.headers.get('set-cookie')?.split(';')[0] as string;
  const query = new URLSearchParams({
    action: type,
    integrationId,
    oauthMetaKeyId,
    originForPostMessage: APP_ORIGIN,
    endUserSuppliedValues: '{}',
    installOptions: '{}',
  });
  const built = await call(
    server,
    'GET',
    `/v2/projects/${project.projectId}/sdk/actions/build-oauth?${query}`,
    {
      token,
    },
  );
  const callbackUrl = await (options.consent ?? followRedirect)(built.body.redirectUrl as string);
  await fetch(callbackUrl, { headers: { cookie } });
  const session = await call(
    server,
    'GET',
    `/projects/${project.projectId}/sdk/actions/session-id/${oauthMetaKeyId}`,
    { token },
  );
  const credentialId = session.body.connectCredentialId as string;
  if (!/^[0-9a-f-]{36}$/.test(credentialId ?? ''))
    throw new Error(`connect did not produce a credential: ${JSON.stringify(session.body)}`);
  return { token, credentialId };
}

/** A provider that approves at once: its authorization URL redirects straight to the callback. */
async function followRedirect(authorizationUrl: string): Promise<string> {
  const atProvider = await fetch(authorizationUrl, { redirect: 'manual' });
  return atProvider.headers.get('location') as string;
}

/** The built-in sandbox's consent page, answered with Allow for `account` (development servers only). */
export function sandboxConsent(account = 'Sample Workspace') {
  return async (authorizationUrl: string): Promise<string> => {
    const page = await fetch(authorizationUrl, { redirect: 'manual' });
    const html = await page.text();
    const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
    if (!requestId) throw new Error(`no consent form at ${authorizationUrl}: HTTP ${page.status}`);
    const answer = await fetch(new URL('/sandbox/oauth/authorize', authorizationUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request_id: requestId, account, decision: 'allow' }).toString(),
    });
    const location = answer.headers.get('location');
    if (!location) throw new Error(`the sandbox did not redirect after consent: HTTP ${answer.status}`);
    return location;
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw HTTP request: the path goes on the wire exactly as given (fetch would normalise `..`). */
export function rawRequest(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Buffer | string,
): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
