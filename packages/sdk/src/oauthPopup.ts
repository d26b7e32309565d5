import { ConnectRequestError, type FetchLike, sendSdkRequest } from './sdkHttp';

/**
 * The OAuth popup protocol of the official client (wire protocol 7.1, docs/connect-design.md), used by
 * `installIntegration()` in the app's page and by the Connect Portal's Connect button:
 *
 * 1. open `/projects/:pid/sdk/actions/oauth-nonce` in a popup — synchronously, inside the click
 *    handler, or the browser blocks it;
 * 2. meanwhile `GET /v2/projects/:pid/sdk/actions/build-oauth` → `{ redirectUrl }` (the server stores
 *    state, PKCE verifier and `oauthMetaKeyId`);
 * 3. when the nonce page posts `{type:'oauth-nonce-loaded'}`, send the popup to `redirectUrl`;
 * 4. the provider redirects to `/oauth/callback`, which creates the credential, posts
 *    `switchboard:oauth-result` to the opener (the fast path) and closes itself;
 * 5. meanwhile poll `GET …/session-id/:oauthMetaKeyId` every second until `connectCredentialId` or
 *    `error` (the path that works even when the provider severed the opener);
 * 6. always `DELETE …/session-id/:oauthMetaKeyId` at the end.
 *
 * Unlike the official client, every failure is reported: build-oauth errors, the flow's error, a
 * popup closed before the end, and the time limit.
 */

export class OAuthBlockedError extends Error {
  override readonly name = 'OAuthBlockedError';
  constructor() {
    super('Popup was blocked by the browser.');
  }
}

export class OAuthTimeoutError extends Error {
  override readonly name = 'OAuthTimeoutError';
  constructor() {
    super('OAuth timeout');
  }
}

/** The provider, the server or the user ended the flow without a credential. */
export class OAuthFlowError extends Error {
  override readonly name = 'OAuthFlowError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export type OAuthPopupRequest = {
  /** Switchboard base URL (`configureGlobal` host; the portal passes its own origin). */
  host: string;
  projectId: string;
  token: string;
  integrationId: string;
  integrationType: string;
  /** Pre-OAuth inputs (e.g. a Shopify shop), sent as JSON `endUserSuppliedValues`. */
  endUserSuppliedValues?: Record<string, unknown>;
  installOptions?: Record<string, unknown>;
  /** Fails with OAuthTimeoutError after this long (default 3 minutes, the official poll limit). */
  timeoutMs?: number;
  pollIntervalMs?: number;
  /** The window that opens the popup; its origin receives the popup's messages. */
  window: Window;
  fetch: FetchLike;
};

type Rec = Record<string, unknown>;
const isRecord = (value: unknown): value is Rec => typeof value === 'object' && value !== null;

function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(15));
  return Array.from(bytes, (byte) => (byte % 36).toString(36)).join('');
}

function flowError(value: unknown): OAuthFlowError | undefined {
  if (!isRecord(value)) return undefined;
  const message = typeof value.message === 'string' ? value.message : 'Connecting the account failed.';
  return new OAuthFlowError(message, typeof value.code === 'string' ? value.code : 'OAUTH_FAILED');
}

async function buildOAuthUrl(request: OAuthPopupRequest, oauthMetaKeyId: string): Promise<string> {
  const query = new URLSearchParams({
    action: request.integrationType,
    integrationId: request.integrationId,
    userToken: request.token,
    oauthMetaKeyId,
    originForPostMessage: request.window.location.origin,
    endUserSuppliedValues: JSON.stringify(request.endUserSuppliedValues ?? {}),
    parameters: '{}',
    isPreviewMode: 'false',
    installOptions: JSON.stringify(request.installOptions ?? {}),
  });
  const url = `${request.host}/v2/projects/${encodeURIComponent(request.projectId)}/sdk/actions/build-oauth?${query}`;
  const response = await request.fetch(url, {
    method: 'GET',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${request.token}` },
  });
  const body: unknown = await response.json().catch(() => undefined);
  const record = isRecord(body) ? body : {};
  if (!response.ok) {
    throw new ConnectRequestError(
      typeof record.message === 'string' ? record.message : `build-oauth failed with HTTP ${response.status}`,
      response.status,
      typeof record.code === 'string' ? record.code : undefined,
      body,
    );
  }
  if (typeof record.redirectUrl !== 'string') throw new Error('build-oauth did not answer a redirectUrl');
  return record.redirectUrl;
}

/**
 * Runs the flow; resolves with the new credential's id. Call it synchronously from a user gesture
 * (it opens the popup before returning).
 */
export function runOAuthPopup(request: OAuthPopupRequest): Promise<string> {
  const win = request.window;
  const hostOrigin = new URL(request.host).origin;
  const oauthMetaKeyId = randomKey();
  const auth = { host: request.host, projectId: request.projectId, token: request.token };
  const nonceQuery = new URLSearchParams({
    action: request.integrationType,
    integrationId: request.integrationId,
    originForPostMessage: win.location.origin,
    userToken: request.token,
  });
  const popup = win.open(
    `${request.host}/projects/${encodeURIComponent(request.projectId)}/sdk/actions/oauth-nonce?${nonceQuery}`,
    '',
    'width=500,height=600,left=100,top=150',
  );
  if (!popup) return Promise.reject(new OAuthBlockedError());
  const redirect = buildOAuthUrl(request, oauthMetaKeyId);
  const sessionPath = `/actions/session-id/${encodeURIComponent(oauthMetaKeyId)}`;

  return new Promise<string>((resolve, reject) => {
    let settled = false;
    let polling = false;

    const finish = (error: Error | undefined, credentialId?: string) => {
      if (settled) return;
      settled = true;
      win.removeEventListener('message', onMessage);
      clearInterval(pollTimer);
      clearTimeout(timeoutTimer);
      if (!popup.closed) popup.close();
      sendSdkRequest(request.fetch, auth, { method: 'DELETE', path: sessionPath }).catch(() => {});
      if (error) reject(error);
      else resolve(credentialId as string);
    };

    /** One look at the session; request failures are retried by the next tick. */
    const poll = async () => {
      try {
        const body = await sendSdkRequest(request.fetch, auth, { method: 'GET', path: sessionPath });
        if (!isRecord(body)) return;
        if (typeof body.connectCredentialId === 'string') finish(undefined, body.connectCredentialId);
        else if (body.error) finish(flowError(body.error));
      } catch {
        // the next tick retries
      }
    };

    const tick = async () => {
      if (settled || polling) return;
      polling = true;
      const closed = popup.closed;
      await poll();
      polling = false;
      if (closed && !settled) {
        finish(
          new OAuthFlowError(
            'The sign-in window was closed before the account was connected. Try again and finish signing in.',
            'OAUTH_POPUP_CLOSED',
          ),
        );
      }
    };

    const onMessage = (event: MessageEvent) => {
      if (event.source !== popup || event.origin !== hostOrigin || !isRecord(event.data)) return;
      const data = event.data;
      if (data.type === 'oauth-nonce-loaded') {
        redirect.then(
          (url) => {
            if (!settled) popup.location.href = url;
          },
          () => {},
        );
      } else if (data.type === 'switchboard:oauth-result' && data.oauthMetaKeyId === oauthMetaKeyId) {
        if (typeof data.credentialId === 'string') finish(undefined, data.credentialId);
        else
          finish(
            flowError(data.error) ?? new OAuthFlowError('Connecting the account failed.', 'OAUTH_FAILED'),
          );
      }
    };

    win.addEventListener('message', onMessage);
    redirect.catch((error: unknown) => finish(error instanceof Error ? error : new Error(String(error))));
    const pollTimer = setInterval(() => void tick(), request.pollIntervalMs ?? 1000);
    const timeoutTimer = setTimeout(() => finish(new OAuthTimeoutError()), request.timeoutMs ?? 180_000);
  });
}
