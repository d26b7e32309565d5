// @vitest-environment jsdom
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createPortalChannel } from './portalChannel';

const init = {
  type: 'switchboard:init',
  projectId: '908f4c5e-6394-46a5-9355-3f729edbd160',
  token: 'a.b.c',
  integrationType: 'slack',
  installOptions: {},
  theme: 'light',
};

/** The portal document inside a page: a fake parent window that records posts. */
function embed() {
  const posted: [unknown, string][] = [];
  const parent = { postMessage: (message: unknown, origin: string) => posted.push([message, origin]) };
  vi.spyOn(window, 'parent', 'get').mockReturnValue(parent as unknown as Window);
  return { parent, posted };
}

function deliver(data: unknown, origin: string, source: unknown) {
  window.dispatchEvent(new MessageEvent('message', { data, origin, source: source as Window }));
}

afterEach(() => vi.restoreAllMocks());

describe('createPortalChannel', () => {
  test('announces itself, takes the first valid init from the parent, then only that origin', () => {
    const { parent, posted } = embed();
    const channel = createPortalChannel(window);
    const received: unknown[] = [];
    channel.subscribe((message) => received.push(message));

    channel.announce();
    expect(posted).toEqual([[{ type: 'switchboard:ready' }, '*']]);
    channel.post({ type: 'switchboard:ready' });
    expect(posted).toHaveLength(1);

    deliver(init, 'https://app.example', window); // not the parent
    deliver({ ...init, token: '' }, 'https://app.example', parent); // invalid
    deliver({ type: 'switchboard:close' }, 'https://app.example', parent); // not an init
    deliver(init, 'null', parent); // opaque origin
    expect(received).toEqual([]);
    expect(channel.sdkOrigin()).toBeUndefined();

    deliver(init, 'https://app.example', parent);
    expect(received).toEqual([init]);
    expect(channel.sdkOrigin()).toBe('https://app.example');

    deliver({ ...init, integrationType: 'hubspot' }, 'https://evil.example', parent);
    deliver({ type: 'switchboard:close', extra: 1 }, 'https://app.example', parent);
    deliver({ type: 'switchboard:close' }, 'https://app.example', parent);
    expect(received).toEqual([init, { type: 'switchboard:close' }]);

    channel.post({ type: 'switchboard:opened', integrationId: 'i1', integrationType: 'slack' });
    expect(posted.at(-1)).toEqual([
      { type: 'switchboard:opened', integrationId: 'i1', integrationType: 'slack' },
      'https://app.example',
    ]);
  });

  test('a top-level document (not embedded) neither announces nor accepts messages', () => {
    const channel = createPortalChannel(window);
    const received: unknown[] = [];
    channel.subscribe((message) => received.push(message));
    const post = vi.spyOn(window, 'postMessage');
    channel.announce();
    deliver(init, 'https://app.example', window);
    expect(post).not.toHaveBeenCalled();
    expect(received).toEqual([]);
  });
});
