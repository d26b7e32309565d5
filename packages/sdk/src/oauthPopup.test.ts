import { describe, expect, test } from 'vitest';
import { OAuthFlowError, type OAuthPopupRequest, runOAuthPopup } from './oauthPopup';

const host = 'https://switchboard.example.com';
const appOrigin = 'https://app.example.com';
const projectId = '908f4c5e-6394-46a5-9355-3f729edbd160';

type Popup = { closed: boolean; location: { href: string }; close(): void };

/** A page window that records window.open and delivers messages to its listeners. */
function fakeWindow() {
  const target = new EventTarget();
  const opened: string[] = [];
  const popup: Popup = {
    closed: false,
    location: { href: '' },
    close() {
      popup.closed = true;
    },
  };
  const win = {
    location: { origin: appOrigin },
    open(url: string) {
      opened.push(url);
      popup.location.href = url;
      return popup;
    },
    addEventListener: target.addEventListener.bind(target),
    removeEventListener: target.removeEventListener.bind(target),
  };
  const deliver = (data: unknown, options: { origin?: string; source?: unknown } = {}) => {
    const event = new Event('message') as Event & { data: unknown; origin: string; source: unknown };
    Object.assign(event, { data, origin: options.origin ?? host, source: options.source ?? popup });
    target.dispatchEvent(event);
  };
  return { win: win as unknown as Window, popup, opened, deliver };
}

type Call = { method: string; url: URL; headers: Record<string, string> };

/** fetch answering build-oauth and session-id from scripted replies. */
function fakeFetch(options: { build?: { status: number; body: unknown }; sessions?: unknown[] } = {}) {
  const calls: Call[] = [];
  const sessions = [...(options.sessions ?? [])];
  const fetchFn = async (url: string, init: RequestInit) => {
    const call = {
      method: init.method ?? 'GET',
      url: new URL(url),
      headers: init.headers as Record<string, string>,
    };
    calls.push(call);
    const json = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (call.url.pathname.endsWith('/build-oauth')) {
      const build = options.build ?? {
        status: 200,
        body: { redirectUrl: 'https://provider.example/authorize?x=1' },
      };
      return json(build.status, build.body);
    }
    if (call.url.pathname.includes('/session-id/')) {
      if (call.method === 'DELETE') return json(200, {});
      return json(200, sessions.length > 1 ? sessions.shift() : (sessions[0] ?? {}));
    }
    return json(404, { message: 'not found' });
  };
  return { fetchFn, calls };
}

function request(win: Window, fetchFn: OAuthPopupRequest['fetch'], extra: Partial<OAuthPopupRequest> = {}) {
  return {
    host,
    projectId,
    token: 'user.token.jwt',
    integrationId: 'int-1',
    integrationType: 'sandbox',
    window: win,
    fetch: fetchFn,
    pollIntervalMs: 10,
    ...extra,
  } satisfies OAuthPopupRequest;
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('runOAuthPopup', () => {
  test('nonce page → build-oauth redirect → oauth-result message; then deletes the session', async () => {
    const { win, popup, opened, deliver } = fakeWindow();
    const { fetchFn, calls } = fakeFetch();
    const result = runOAuthPopup(
      request(win, fetchFn, {
        endUserSuppliedValues: { shop: 'acme' },
        installOptions: { accountType: 'default' },
      }),
    );
    expect(opened).toHaveLength(1);
    const nonce = new URL(opened[0] as string);
    expect(nonce.origin + nonce.pathname).toBe(`${host}/projects/${projectId}/sdk/actions/oauth-nonce`);
    expect(Object.fromEntries(nonce.searchParams)).toEqual({
      action: 'sandbox',
      integrationId: 'int-1',
      originForPostMessage: appOrigin,
      userToken: 'user.token.jwt',
    });
    const build = calls.find((call) => call.url.pathname.endsWith('/build-oauth'));
    expect(build?.url.pathname).toBe(`/v2/projects/${projectId}/sdk/actions/build-oauth`);
    expect(build?.headers).toEqual({
      'Content-Type': 'application/json',
      Authorization: 'Bearer user.token.jwt',
    });
    const query = Object.fromEntries(build?.url.searchParams ?? []);
    expect(query).toMatchObject({
      action: 'sandbox',
      integrationId: 'int-1',
      userToken: 'user.token.jwt',
      originForPostMessage: appOrigin,
      endUserSuppliedValues: '{"shop":"acme"}',
      installOptions: '{"accountType":"default"}',
    });
    const oauthMetaKeyId = query.oauthMetaKeyId as string;
    expect(oauthMetaKeyId).toMatch(/^[a-z0-9]{15}$/);

    // Only the popup, from the Switchboard origin, counts.
    deliver({ type: 'oauth-nonce-loaded' }, { origin: 'https://evil.example' });
    deliver({ type: 'oauth-nonce-loaded' }, { source: {} });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(popup.location.href).toBe(opened[0]);
    deliver({ type: 'oauth-nonce-loaded' });
    await until(() => popup.location.href.startsWith('https://provider.example'));
    expect(popup.location.href).toBe('https://provider.example/authorize?x=1');

    deliver({ type: 'switchboard:oauth-result', oauthMetaKeyId: 'other', credentialId: 'wrong' });
    deliver({ type: 'switchboard:oauth-result', oauthMetaKeyId, credentialId: 'cred-1' });
    await expect(result).resolves.toBe('cred-1');
    expect(popup.closed).toBe(true);
    await until(() => calls.some((call) => call.method === 'DELETE'));
    const cleanupCall = calls.find((call) => call.method === 'DELETE');
    expect(cleanupCall?.url.pathname).toBe(`/projects/${projectId}/sdk/actions/session-id/${oauthMetaKeyId}`);
    expect(cleanupCall?.headers).toMatchObject({ Authorization: 'Bearer user.token.jwt' });
  });

  test('polls session-id until connectCredentialId', async () => {
    const { win } = fakeWindow();
    const { fetchFn, calls } = fakeFetch({ sessions: [{}, {}, { connectCredentialId: 'cred-2' }] });
    await expect(runOAuthPopup(request(win, fetchFn))).resolves.toBe('cred-2');
    expect(
      calls.filter((call) => call.method === 'GET' && call.url.pathname.includes('/session-id/')).length,
    ).toBe(3);
  });

  test('an error recorded on the session, or posted by the callback page, rejects with its code', async () => {
    const first = fakeWindow();
    const polled = fakeFetch({
      sessions: [{ error: { code: 'OAUTH_PROVIDER_ERROR', message: 'access_denied' } }],
    });
    await expect(runOAuthPopup(request(first.win, polled.fetchFn))).rejects.toMatchObject({
      name: 'OAuthFlowError',
      code: 'OAUTH_PROVIDER_ERROR',
      message: 'access_denied',
    });

    const second = fakeWindow();
    const posted = fakeFetch();
    const result = runOAuthPopup(request(second.win, posted.fetchFn, { pollIntervalMs: 10_000 }));
    const key = posted.calls[0]?.url.searchParams.get('oauthMetaKeyId');
    second.deliver({
      type: 'switchboard:oauth-result',
      oauthMetaKeyId: key,
      error: { code: 'OAUTH_STATE_INVALID', message: 'The sign-in link expired.' },
    });
    await expect(result).rejects.toEqual(
      new OAuthFlowError('The sign-in link expired.', 'OAUTH_STATE_INVALID'),
    );
  });

  test('build-oauth failure is reported, and the popup closed', async () => {
    const { win, popup } = fakeWindow();
    const { fetchFn } = fakeFetch({
      build: {
        status: 400,
        body: { message: 'sandbox has no client id', code: 'INTEGRATION_NOT_CONFIGURED' },
      },
    });
    await expect(runOAuthPopup(request(win, fetchFn))).rejects.toMatchObject({
      message: 'sandbox has no client id',
      code: 'INTEGRATION_NOT_CONFIGURED',
    });
    expect(popup.closed).toBe(true);
  });

  test('a popup closed before the end rejects after one last look at the session', async () => {
    const { win, popup } = fakeWindow();
    const { fetchFn, calls } = fakeFetch({ sessions: [{}] });
    const result = runOAuthPopup(request(win, fetchFn));
    popup.closed = true;
    await expect(result).rejects.toMatchObject({ code: 'OAUTH_POPUP_CLOSED' });
    expect(calls.some((call) => call.method === 'GET' && call.url.pathname.includes('/session-id/'))).toBe(
      true,
    );
  });

  test('a popup that closed itself after success still resolves through the session', async () => {
    const { win, popup } = fakeWindow();
    const { fetchFn } = fakeFetch({ sessions: [{ connectCredentialId: 'cred-3' }] });
    const result = runOAuthPopup(request(win, fetchFn));
    popup.closed = true;
    await expect(result).resolves.toBe('cred-3');
  });

  test('times out', async () => {
    const { win, popup } = fakeWindow();
    const { fetchFn } = fakeFetch();
    await expect(runOAuthPopup(request(win, fetchFn, { timeoutMs: 50 }))).rejects.toMatchObject({
      name: 'OAuthTimeoutError',
    });
    expect(popup.closed).toBe(true);
  });

  test('a blocked popup rejects with OAuthBlockedError without calling the server', async () => {
    const { win } = fakeWindow();
    (win as unknown as { open(): null }).open = () => null;
    const { fetchFn, calls } = fakeFetch();
    await expect(runOAuthPopup(request(win, fetchFn))).rejects.toMatchObject({ name: 'OAuthBlockedError' });
    expect(calls).toEqual([]);
  });
});
