// @vitest-environment jsdom
import type { MeResponse, SdkToPortalMessage } from '@switchboard/contracts';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { type ConnectClient, createConnectClient } from './connectClient';
import { type FakeSwitchboard, startFakeSwitchboard } from './fakeSwitchboardServer';
import { futureExp, ids, makeIntegrations, makeMeResponse, makeUserToken, projectId } from './wireFixtures';

const token = makeUserToken({ sub: 'user-1', exp: futureExp() });

let server: FakeSwitchboard;
let client: ConnectClient;
let events: [string, unknown][];
let logged: unknown[][];

beforeEach(async () => {
  server = await startFakeSwitchboard({
    projectId,
    users: new Map<string, MeResponse>([[token, makeMeResponse('user-1')]]),
    integrations: makeIntegrations(),
  });
  logged = [];
  client = createConnectClient({
    fetch: (url, init) => fetch(url, init),
    window,
    logger: { warn: (...args) => logged.push(args), error: (...args) => logged.push(args) },
  });
  client.configureGlobal({ host: server.url });
  await client.authenticate(projectId, token);
  events = [];
  for (const name of [
    'onIntegrationInstall',
    'onIntegrationUninstall',
    'onWorkflowChange',
    'onPortalOpen',
    'onPortalClose',
  ] as const) {
    client.subscribe(name, (event) => events.push([name, event]));
  }
});

afterEach(async () => {
  client.configureGlobal({ host: 'http://reset.invalid' });
  document.body.replaceChildren();
  await server.close();
});

function frame(): HTMLIFrameElement {
  const iframe = document.getElementById('paragon-connect-frame');
  if (!(iframe instanceof HTMLIFrameElement)) throw new Error('no portal iframe');
  return iframe;
}

/** Captures what the SDK posts to the portal. */
function spyOnPortal() {
  const posted: [SdkToPortalMessage, string][] = [];
  const target = frame().contentWindow as Window;
  vi.spyOn(target, 'postMessage').mockImplementation(((message: SdkToPortalMessage, origin: string) => {
    posted.push([message, origin]);
  }) as typeof target.postMessage);
  return posted;
}

/** A message as if the portal posted it. */
function fromPortal(data: unknown, options: { origin?: string; source?: Window | null } = {}) {
  window.dispatchEvent(
    new MessageEvent('message', {
      data,
      origin: options.origin ?? server.url,
      source: options.source === undefined ? frame().contentWindow : options.source,
    }),
  );
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
const salesforce = { integrationId: ids.salesforce, integrationType: 'salesforce' };

describe('connect() and the Connect Portal iframe', () => {
  test('creates one hidden iframe at /ui/, sends init once the portal is ready, to the host origin only', async () => {
    void client.connect('salesforce', {
      theme: 'dark',
      dropdowns: { owners: [{ label: 'Ada', value: 'u1' }] },
    });
    const iframe = frame();
    expect(iframe.src).toBe(`${server.url}/ui/?projectId=${projectId}`);
    expect(iframe.style.display).toBe('none');
    expect(iframe.style.position).toBe('fixed');
    const posted = spyOnPortal();
    expect(posted).toEqual([]);

    fromPortal({ type: 'switchboard:ready' });
    expect(posted).toEqual([
      [
        {
          type: 'switchboard:init',
          projectId,
          token,
          integrationType: 'salesforce',
          installOptions: { dropdowns: { owners: [{ label: 'Ada', value: 'u1' }] } },
          theme: 'dark',
        },
        server.url,
      ],
    ]);

    void client.connect('slack');
    expect(document.querySelectorAll('iframe')).toHaveLength(1);
    expect(posted.at(-1)?.[0]).toMatchObject({
      type: 'switchboard:init',
      integrationType: 'slack',
      theme: 'system',
    });
  });

  test('shows the portal on opened, hides it on closed, with onPortalOpen/onPortalClose and onOpen/onClose', async () => {
    const onOpen = vi.fn();
    const onClose = vi.fn();
    const button = document.body.appendChild(document.createElement('button'));
    button.focus();
    void client.connect('salesforce', { onOpen, onClose });
    spyOnPortal();
    fromPortal({ type: 'switchboard:ready' });
    fromPortal({ type: 'switchboard:opened', ...salesforce });
    expect(frame().style.display).toBe('block');
    expect(document.body.style.overflow).toBe('hidden');
    expect(onOpen).toHaveBeenCalledWith(salesforce, expect.objectContaining({ authenticated: true }));

    fromPortal({ type: 'switchboard:closed', ...salesforce });
    expect(frame().style.display).toBe('none');
    expect(document.body.style.overflow).toBe('');
    expect(document.activeElement).toBe(button);
    expect(onClose).toHaveBeenCalledWith(salesforce, expect.anything());
    expect(events).toEqual([
      ['onPortalOpen', salesforce],
      ['onPortalClose', salesforce],
    ]);
  });

  test('ignores messages from another origin, another window, or that do not validate', async () => {
    void client.connect('salesforce');
    const posted = spyOnPortal();
    fromPortal({ type: 'switchboard:ready' }, { origin: 'https://evil.example' });
    fromPortal({ type: 'switchboard:ready' }, { source: window });
    fromPortal({ type: 'switchboard:ready' }, { source: null });
    expect(posted).toEqual([]);
    fromPortal({ type: 'switchboard:ready' });
    fromPortal({ type: 'switchboard:opened', ...salesforce, extra: 1 });
    fromPortal({ type: 'switchboard:opened', integrationType: 'salesforce' });
    expect(frame().style.display).toBe('none');
    fromPortal({ type: 'switchboard:opened', ...salesforce }, { origin: 'https://evil.example' });
    expect(events).toEqual([]);
  });

  test('installed: reloads the user, emits onIntegrationInstall, calls onInstall and resolves connect()', async () => {
    const onInstall = vi.fn();
    const onSuccess = vi.fn();
    const connecting = client.connect('salesforce', { onInstall, onSuccess });
    spyOnPortal();
    fromPortal({ type: 'switchboard:ready' });
    const credential = makeMeResponse().integrations.salesforce?.allCredentials[1];
    server.requests.length = 0;
    fromPortal({ type: 'switchboard:installed', ...salesforce, credential });
    const event = { ...salesforce, credentialId: ids.credentialB, credential };
    await expect(connecting).resolves.toEqual(event);
    expect(server.requests.map((request) => `${request.method} ${request.url}`)).toContain(
      `GET /projects/${projectId}/sdk/me`,
    );
    expect(events).toEqual([['onIntegrationInstall', event]]);
    expect(onInstall).toHaveBeenCalledTimes(1);
    expect(onSuccess).not.toHaveBeenCalled();
  });

  test('workflow-change, uninstalled and settings-change reload the user and emit the events', async () => {
    const onWorkflowChange = vi.fn();
    const onUninstall = vi.fn();
    void client.connect('salesforce', { onWorkflowChange, onUninstall });
    spyOnPortal();
    fromPortal({ type: 'switchboard:ready' });
    const change = {
      integrationId: ids.salesforce,
      workflowId: ids.workflowSalesforce,
      workflowStateChange: { enabled: true },
    };
    fromPortal({ type: 'switchboard:workflow-change', ...change, integrationType: 'salesforce' });
    fromPortal({ type: 'switchboard:workflow-change', ...change, integrationType: 'salesforce' });
    fromPortal({ type: 'switchboard:uninstalled', ...salesforce, credentialId: ids.credentialB });
    fromPortal({ type: 'switchboard:settings-change', ...salesforce, credentialId: ids.credentialA });
    await settle();
    expect(events).toEqual([
      ['onWorkflowChange', change],
      ['onWorkflowChange', change],
      ['onIntegrationUninstall', salesforce],
    ]);
    // Per-call callbacks are one-shot, like the official client's.
    expect(onWorkflowChange).toHaveBeenCalledTimes(1);
    expect(onUninstall).toHaveBeenCalledWith(salesforce, expect.objectContaining({ authenticated: true }));
  });

  test('error: onError and rejection of connect()', async () => {
    const onError = vi.fn();
    const connecting = client.connect('salesforce', { onError });
    spyOnPortal();
    fromPortal({ type: 'switchboard:ready' });
    fromPortal({
      type: 'switchboard:error',
      integrationType: 'salesforce',
      message: 'The provider said: access_denied',
      code: 'OAUTH_PROVIDER_ERROR',
    });
    await expect(connecting).rejects.toMatchObject({
      name: 'ConnectPortalError',
      message: 'The provider said: access_denied',
      code: 'OAUTH_PROVIDER_ERROR',
    });
    expect(onError).toHaveBeenCalledTimes(1);
  });

  test('closePortal() resets the portal and emits onPortalClose once', async () => {
    void client.connect('salesforce');
    const posted = spyOnPortal();
    fromPortal({ type: 'switchboard:ready' });
    fromPortal({ type: 'switchboard:opened', ...salesforce });
    client.closePortal();
    expect(posted.at(-1)).toEqual([{ type: 'switchboard:close' }, server.url]);
    expect(frame().style.display).toBe('none');
    fromPortal({ type: 'switchboard:closed', ...salesforce });
    client.closePortal();
    expect(events.map(([name]) => name)).toEqual(['onPortalOpen', 'onPortalClose']);
  });

  test('does nothing for an integration that is not active, or unknown', async () => {
    await expect(client.connect('hubspot')).resolves.toBeUndefined();
    await expect(client.connect('notion')).resolves.toBeUndefined();
    await expect(client.connect('nope')).resolves.toBeUndefined();
    expect(document.querySelector('iframe')).toBeNull();
    expect(logged).toHaveLength(3);
  });

  test('rejects an unknown selectedCredentialId through onError', async () => {
    const onError = vi.fn();
    await expect(client.connect('salesforce', { selectedCredentialId: 'nope', onError })).rejects.toThrow(
      'Credential with ID "nope" is not a valid salesforce account.',
    );
    expect(onError).toHaveBeenCalledTimes(1);
  });

  test('passes the serialisable install options and the merged data sources', async () => {
    client.setDataSources({
      dropdowns: {
        owners: [
          { label: 'Ada', value: 'u1' },
          { label: 'Dup', value: 'u1' },
        ],
      },
    });
    void client.connect('salesforce', {
      accountType: 'sandbox',
      allowMultipleCredentials: true,
      selectedCredentialId: ids.credentialB,
      dropdowns: { stages: [{ label: 'Won', value: 'won' }] },
    });
    const posted = spyOnPortal();
    fromPortal({ type: 'switchboard:ready' });
    expect(posted[0]?.[0]).toMatchObject({
      installOptions: {
        accountType: 'sandbox',
        allowMultipleCredentials: true,
        selectedCredentialId: ids.credentialB,
        dropdowns: { owners: [{ label: 'Ada', value: 'u1' }], stages: [{ label: 'Won', value: 'won' }] },
      },
    });
    expect(() => client.setDataSources({ dropdowns: { bad: (() => []) as never } })).toThrow(
      /must be an array/,
    );
  });
});

describe('installIntegration()', () => {
  test('rejects when already installed unless allowMultipleCredentials', async () => {
    await expect(client.installIntegration('salesforce')).rejects.toThrow(
      'Integration "salesforce" is already installed.',
    );
    await expect(client.installIntegration('nope')).rejects.toThrow(/not a valid integration type/);
  });

  test('OAuth integrations: opens the nonce popup synchronously, never the portal', async () => {
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    await expect(client.installIntegration('slack')).rejects.toMatchObject({ name: 'OAuthBlockedError' });
    expect(open).toHaveBeenCalledTimes(1);
    const url = new URL(String(open.mock.calls[0]?.[0]));
    expect(url.pathname).toBe(`/projects/${projectId}/sdk/actions/oauth-nonce`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      action: 'slack',
      integrationId: ids.slack,
      originForPostMessage: window.location.origin,
      userToken: token,
    });
    expect(document.querySelector('iframe')).toBeNull();
  });
});
