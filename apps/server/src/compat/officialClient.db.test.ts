// @vitest-environment node
//
// Wire compatibility with the REAL official client: `@useparagon/connect` 2.4.0 (its separate
// `ConnectSDK` bundle — the package root builds a singleton aimed at the vendor's hosts) runs in a
// jsdom window and talks, through Node's own fetch, to a real Switchboard on an ephemeral port.
// Every outcome is checked twice: through the client's view (getUser, metadata) and through what the
// server STORED (read back over REST), so a client that merely believes its own local state cannot pass.
import { createRequire } from 'node:module';
import type ConnectSDK from '@useparagon/connect/ConnectSDK';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { startFakeProvider } from '../testing/fakeProvider';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';

/** The part of jsdom this file uses (jsdom ships no type declarations and we add no @types package). */
interface JsdomModule {
  JSDOM: new (
    html: string,
    options: { url: string; pretendToBeVisual: boolean },
  ) => { window: Window & typeof globalThis };
}
type ConnectSdkClass = typeof ConnectSDK;
type ConnectSdkInstance = InstanceType<ConnectSdkClass>;
/** The client's SDK_EVENT enum; its runtime values are only exported by the package root. */
type SdkEvent = Parameters<ConnectSdkInstance['subscribe']>[0];

/** One request the official client made to our server, as seen on the wire. */
interface WireCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  status: number;
}

const ENABLED = ['slack', 'salesforce', 'stripe'] as const;
const GLOBALS = ['window', 'document', 'localStorage', 'navigator'] as const;

let provider: Awaited<ReturnType<typeof startFakeProvider>>;
let server: TestServer;
let project: TestProject;
let workflowId: string;
let dom: { window: Window & typeof globalThis };
let SdkClass: ConnectSdkClass;
const nodeFetch = globalThis.fetch;
const wire: WireCall[] = [];
const instances: ConnectSdkInstance[] = [];

beforeAll(async () => {
  provider = await startFakeProvider();
  server = await startTestServer({ extraDefinitions: provider.definitions });
  project = await server.createProject('Acme');
  await project.enable(...ENABLED);
  const created = await call(server, 'POST', `/admin/projects/${project.projectId}/workflows`, {
    token: server.adminKey,
    body: { integration: 'slack', description: 'Send updates' },
  });
  expect(created.status).toBe(201);
  workflowId = created.body.id;

  // The DOM must exist before the bundle is evaluated: it checks `typeof window` and touches
  // document/localStorage. jsdom needs an http(s) URL for localStorage to exist.
  const { JSDOM } = createRequire(import.meta.url)('jsdom') as JsdomModule;
  dom = new JSDOM('<!doctype html><html><body></body></html>', { url: server.url, pretendToBeVisual: true });
  for (const name of GLOBALS) {
    Object.defineProperty(globalThis, name, { value: dom.window[name], configurable: true, writable: true });
  }

  // Record the client's traffic. The client calls the global `fetch` and checks `instanceof Response`
  // on proxy answers, so this wrapper keeps Node's fetch and hands back Node's own Response object.
  globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const response = await nodeFetch(input, init);
    if (url.origin === server.url) {
      const text = typeof init?.body === 'string' ? init.body : undefined;
      wire.push({
        method: init?.method ?? 'GET',
        path: url.pathname + url.search,
        headers: Object.fromEntries(new Headers(init?.headers).entries()),
        body: text ? JSON.parse(text) : undefined,
        status: response.status,
      });
    }
    return response;
  };

  // A webpack CommonJS bundle: Node's ESM interop puts module.exports on `default`, so the class is
  // `default.default`; a bundler-style interop would give the class directly.
  const loaded: { default: ConnectSdkClass | { default: ConnectSdkClass } } = await import(
    '@useparagon/connect/ConnectSDK'
  );
  SdkClass = 'default' in loaded.default ? loaded.default.default : loaded.default;
});

afterAll(async () => {
  for (const sdk of instances) {
    sdk.closePortal();
    sdk.logout();
  }
  globalThis.fetch = nodeFetch;
  dom?.window.close();
  for (const name of GLOBALS) Reflect.deleteProperty(globalThis, name);
  await server?.close();
  await provider?.close();
});

beforeEach(() => {
  // Each test starts a fresh client; none may inherit another's persisted session.
  dom.window.localStorage.clear();
  wire.length = 0;
});

/**
 * A new official client with every environment URL pointing at our one origin (wire protocol 2.1).
 * `restore` lets it bootstrap from the session persisted in localStorage, as a page reload does.
 */
function newSdk(options: { restore?: boolean } = {}): ConnectSdkInstance {
  const url = server.url;
  const sdk = new SdkClass(
    {
      ZEUS_PUBLIC_URL: url,
      HERMES_PUBLIC_URL: url,
      WORKER_PROXY_PUBLIC_URL: url,
      CONNECT_PUBLIC_URL: url,
      DASHBOARD_PUBLIC_URL: url,
      CDN_PUBLIC_URL: url,
      PASSPORT_PUBLIC_URL: url,
      PASSPORT_PRODUCTION_URL: url,
      API_TRIGGER_KIT_PUBLIC_URL: url,
      NODE_ENV: 'production',
      PLATFORM_ENV: 'production',
      VERSION: '2.4.0',
    } as ConstructorParameters<ConnectSdkClass>[0],
    { skipBootstrapWithLastKnownState: !options.restore },
  );
  sdk.setHeadless(true);
  instances.push(sdk);
  return sdk;
}

function authenticatedUser(sdk: ConnectSdkInstance) {
  const user = sdk.getUser();
  if (!user.authenticated) throw new Error(`expected an authenticated user, got ${JSON.stringify(user)}`);
  return user;
}

const sdkPath = (suffix: string) => `/projects/${project.projectId}/sdk${suffix}`;
const callsTo = (method: string, suffix: string) =>
  wire.filter((c) => c.method === method && c.path === sdkPath(suffix));

async function storedMe(token: string) {
  const me = await call(server, 'GET', sdkPath('/me'), { token });
  expect(me.status).toBe(200);
  return me.body;
}

const slackIntegrationId = () => project.integrationId('slack');

/** A Connected User with one VALID Slack credential, inserted straight into the database. */
async function userWithSlackCredential(externalId: string) {
  return (await project.connect(externalId, { providerId: 'T0001' })).credential;
}

describe('@useparagon/connect 2.4.0 (the official client) against a running Switchboard', () => {
  test('authenticate → getUser: the token subject, one unconnected entry per active integration', async () => {
    const sdk = newSdk();
    const token = await project.token('user-basic');
    await expect(sdk.authenticate(project.projectId, token)).resolves.toBeUndefined();

    const user = authenticatedUser(sdk);
    expect(user.userId).toBe('user-basic');
    expect(Object.keys(user.integrations).sort()).toEqual([...ENABLED].sort());
    for (const type of ENABLED) {
      expect(user.integrations[type]).toMatchObject({ enabled: false, allCredentials: [] });
    }
    expect(JSON.stringify(user)).not.toContain(token);

    // What went over the wire: the two bootstrap GETs, with the client's standard headers.
    for (const suffix of ['/me', '/integrations']) {
      const [request] = callsTo('GET', suffix);
      expect(request, `GET ${suffix}`).toBeDefined();
      expect(request?.status).toBe(200);
      expect(request?.headers).toMatchObject({
        authorization: `Bearer ${token}`,
        'x-paragon-sdk-version': '2.4.0',
      });
    }
    expect(wire.every((c) => c.status < 400)).toBe(true);
  });

  test('setUserMetadata is stored: REST /sdk/me and getUser().meta agree', async () => {
    const sdk = newSdk();
    const token = await project.token('user-meta');
    await sdk.authenticate(project.projectId, token);
    const meta = { Name: 'Sean V', Email: 'sean@example.com', apiKey: 'key_x' };

    await sdk.setUserMetadata(meta);

    expect(callsTo('PATCH', '/me').map((c) => [c.status, c.body])).toEqual([[200, { meta }]]);
    expect((await storedMe(token)).meta).toEqual(meta);
    expect(authenticatedUser(sdk).meta).toEqual(meta);
  });

  test('authenticate with metadata: normalised, merged, stored; PATCH only when it changes meta', async () => {
    const token = await project.token('user-auth-meta');
    const first = newSdk();
    await first.authenticate(project.projectId, token, {
      metadata: { name: 'Ada', email: 'ada@example.com', plan: 'pro' },
    });
    const normalised = { Name: 'Ada', Email: 'ada@example.com', plan: 'pro' };
    expect(callsTo('PATCH', '/me').map((c) => c.body)).toEqual([{ meta: normalised }]);
    expect((await storedMe(token)).meta).toEqual(normalised);
    expect(authenticatedUser(first).meta).toEqual(normalised);

    // Same metadata again: the server already holds it, so the client must not PATCH.
    wire.length = 0;
    const again = newSdk();
    await again.authenticate(project.projectId, token, { metadata: { Name: 'Ada', plan: 'pro' } });
    expect(callsTo('GET', '/me')).toHaveLength(1);
    expect(callsTo('PATCH', '/me')).toEqual([]);
    expect(authenticatedUser(again).meta).toEqual(normalised);

    // A changed key: PATCH with just the given keys; the server merges, keeping the others.
    wire.length = 0;
    const changed = newSdk();
    await changed.authenticate(project.projectId, token, { metadata: { plan: 'team' } });
    expect(callsTo('PATCH', '/me').map((c) => c.body)).toEqual([{ meta: { plan: 'team' } }]);
    expect((await storedMe(token)).meta).toEqual({ ...normalised, plan: 'team' });
    expect(authenticatedUser(changed).meta).toEqual({ ...normalised, plan: 'team' });
  });

  test('getIntegrationMetadata: name, brand colour and a served icon per active integration', async () => {
    const sdk = newSdk();
    await sdk.authenticate(project.projectId, await project.token('user-catalog'));

    const expected = ENABLED.map((type) => {
      const entry = server.catalog.get(type);
      if (!entry) throw new Error(`${type} is missing from the catalog`);
      return {
        type,
        name: entry.name,
        brandColor: entry.brandColor,
        icon: `${server.url}/integrations/${type}.svg`,
      };
    });
    const all = sdk.getIntegrationMetadata();
    expect([...all].sort((a, b) => a.type.localeCompare(b.type))).toEqual(
      [...expected].sort((a, b) => a.type.localeCompare(b.type)),
    );
    expect(sdk.getIntegrationMetadata('slack')).toEqual(expected.find((m) => m.type === 'slack'));
    expect(() => sdk.getIntegrationMetadata('hubspot')).toThrow(/not a valid integration name/);

    // The icon URL the client builds from CDN_PUBLIC_URL resolves on our server.
    for (const { icon } of all) {
      const response = await nodeFetch(icon);
      expect(response.status, icon).toBe(200);
      expect(response.headers.get('content-type')).toContain('image/svg+xml');
      expect(await response.text()).toContain('<svg');
    }
  });

  test('with a credential: enabled state, workflow toggles and uninstall act on stored state', async () => {
    const integrationId = await slackIntegrationId();
    const credential = await userWithSlackCredential('user-connected');
    const token = await project.token('user-connected');
    const sdk = newSdk();
    await sdk.authenticate(project.projectId, token);

    const slack = authenticatedUser(sdk).integrations.slack;
    expect(slack).toMatchObject({
      enabled: true,
      credentialId: credential.id,
      credentialStatus: 'VALID',
      providerId: 'T0001',
    });
    expect(slack?.allCredentials.map((c) => c.id)).toEqual([credential.id]);
    expect(authenticatedUser(sdk).integrations.salesforce?.enabled).toBe(false);

    const credentialPath = sdkPath(`/credentials/${credential.id}`);
    const storedWorkflowState = async () =>
      (await call(server, 'GET', credentialPath, { token })).body.configurations[0].workflowSettings[
        workflowId
      ]?.enabled;

    await sdk.enableWorkflow(workflowId);
    const [enable] = callsTo('POST', `/workflows/${workflowId}`);
    expect(enable?.status).toBe(200);
    expect(enable?.headers['x-paragon-credential']).toBe(credential.id);
    expect(enable?.headers['x-paragon-configuration-id']).toBe(credential.configurations[0]?.id);
    expect(await storedWorkflowState()).toBe(true);
    expect(authenticatedUser(sdk).integrations.slack?.workflowSettings?.[workflowId]?.enabled).toBe(true);

    await sdk.disableWorkflow(workflowId);
    expect(callsTo('DELETE', `/workflows/${workflowId}`).map((c) => c.status)).toEqual([200]);
    expect(await storedWorkflowState()).toBe(false);

    const uninstalled: unknown[] = [];
    sdk.subscribe('onIntegrationUninstall' as SdkEvent, (event: unknown) => {
      uninstalled.push(event);
    });
    await sdk.uninstallIntegration('slack');
    const [removal] = callsTo('DELETE', `/integrations/${integrationId}`);
    expect(removal?.status).toBe(200);
    expect(removal?.headers['x-paragon-credential']).toBe(credential.id);
    expect(uninstalled).toEqual([{ integrationId, integrationType: 'slack' }]);

    const me = await storedMe(token);
    expect(me.integrations.slack).toMatchObject({ enabled: false, allCredentials: [] });
    expect((await call(server, 'GET', credentialPath, { token })).status).toBe(404);
    expect(authenticatedUser(sdk).integrations.slack).toMatchObject({ enabled: false, allCredentials: [] });
    // No call above was answered 401/403: the client would have logged the user out.
    expect(wire.filter((c) => c.status === 401 || c.status === 403)).toEqual([]);
  });

  test('account and User Settings: getIntegrationAccount, integration and workflow settings are stored', async () => {
    const credential = await userWithSlackCredential('user-settings');
    const token = await project.token('user-settings');
    const sdk = newSdk();
    await sdk.authenticate(project.projectId, token);

    expect(sdk.getIntegrationConfig('slack').availableWorkflows).toEqual([
      expect.objectContaining({ id: workflowId, description: 'Send updates' }),
    ]);
    const account = await sdk.getIntegrationAccount('slack');
    expect(account).toMatchObject({ id: credential.id, status: 'VALID', providerId: 'T0001' });
    expect(callsTo('GET', '/credentials?integration=slack&includeAccountAuth=undefined')).toHaveLength(1);

    const shared = await sdk.updateIntegrationUserSettings('slack', { channel: 'C042' });
    expect(shared.errors ?? []).toEqual([]);
    const credentialPath = sdkPath(`/credentials/${credential.id}`);
    const stored = async () => (await call(server, 'GET', credentialPath, { token })).body.configurations[0];
    expect((await stored()).sharedSettings).toEqual({ channel: 'C042' });
    expect(authenticatedUser(sdk).integrations.slack?.sharedSettings).toEqual({ channel: 'C042' });

    // Workflow settings need the workflow's entry; a fresh client sees it only through the server.
    await sdk.enableWorkflow(workflowId);
    const fresh = newSdk();
    await fresh.authenticate(project.projectId, token);
    await fresh.updateWorkflowUserSettings('slack', workflowId, { digest: 'daily' });
    expect((await stored()).workflowSettings).toEqual({
      [workflowId]: { enabled: true, settings: { digest: 'daily' } },
    });
    expect((await stored()).sharedSettings).toEqual({ channel: 'C042' });
    expect(wire.filter((c) => c.status >= 400)).toEqual([]);
  });

  test('a reloaded page restores the persisted session and refreshes it from the server', async () => {
    const token = await project.token('user-restore');
    await newSdk().authenticate(project.projectId, token);
    expect(dom.window.localStorage.getItem('paragon-connect-user-state')).toContain(project.projectId);
    // Changed on the server after the session was persisted: only a real refetch can show it.
    await call(server, 'PATCH', sdkPath('/me'), { token, body: { meta: { plan: 'restored' } } });

    wire.length = 0;
    const reloaded = newSdk({ restore: true });
    await vi.waitFor(() => expect(authenticatedUser(reloaded).meta).toEqual({ plan: 'restored' }));
    expect(authenticatedUser(reloaded).userId).toBe('user-restore');
    expect(callsTo('GET', '/me').map((c) => c.status)).toEqual([200]);
    expect(callsTo('GET', '/integrations').map((c) => c.status)).toEqual([200]);
  });

  test('request(): through the proxy with Content-Type auto, JSON unwrapped; a provider error rejects without logout', async () => {
    const proxyProject = await server.createProject('Proxy');
    await proxyProject.enable('fakekey');
    const token = await proxyProject.token('proxy-user');
    const installed = await call(server, 'POST', `/projects/${proxyProject.projectId}/sdk/credentials`, {
      token,
      body: { integrationId: await proxyProject.integrationId('fakekey'), payload: { apiKey: 'good-key' } },
    });
    expect(installed.status).toBe(201);
    const sdk = newSdk();
    await sdk.authenticate(proxyProject.projectId, token);

    const before = provider.log.echo.length;
    const output = await sdk.request('fakekey', '/echo/items?limit=2', {
      method: 'POST',
      body: { name: 'Ada' },
    });
    expect(output).toMatchObject({ method: 'POST', url: '/echo/items?limit=2' });
    const seen = provider.log.echo[before]!;
    expect(seen.headers['x-api-key']).toBe('good-key');
    expect(seen.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen.body.toString())).toEqual({ name: 'Ada' });
    const sent = wire.find((c) =>
      c.path.startsWith(`/projects/${proxyProject.projectId}/sdk/proxy/fakekey/`),
    )!;
    expect(sent.headers['content-type']).toBe('auto');

    await expect(sdk.request('fakekey', '/echo/status/404', { method: 'GET' })).rejects.toThrow(
      /upstream 404/,
    );
    expect(sdk.getUser().authenticated).toBe(true);
  });

  test("a token signed by another project's key is refused with a 401 from our server", async () => {
    const other = await server.createProject('Other');
    const sdk = newSdk();
    // The client reports the failed login on console.warn before rejecting; keep the output clean.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});

    try {
      await expect(sdk.authenticate(project.projectId, await other.token('intruder'))).rejects.toThrow(
        /^Failed to authenticate user with Paragon: \{.*"status":401/,
      );
    } finally {
      warn.mockRestore();
    }

    // /me and /integrations go out in parallel and the client rejects on the first 401; a call is
    // recorded when its answer arrives, so /me may land a moment after the rejection.
    const me = await vi.waitFor(() => {
      const [call] = callsTo('GET', '/me');
      if (!call) throw new Error('GET /me not answered yet');
      return call;
    });
    expect(me.status).toBe(401);
    expect(sdk.getUser()).toEqual({ authenticated: false });
    expect(dom.window.localStorage.getItem('paragon-connect-user-state')).toBeNull();
  });
});
