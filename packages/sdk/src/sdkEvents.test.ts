import { describe, expect, test } from 'vitest';
import type { ConnectUser } from './connectUser';
import { SdkEventBus, type SdkEventName, sdkEventNames } from './sdkEvents';

function makeBus(user: ConnectUser = { authenticated: false }) {
  const logged: unknown[][] = [];
  const bus = new SdkEventBus(() => structuredClone(user), {
    warn: (...args) => logged.push(args),
    error: (...args) => logged.push(args),
  });
  return { bus, logged };
}

const uninstall = { integrationId: 'i-1', integrationType: 'salesforce' };

describe('SdkEventBus', () => {
  test('the five official event names are valid', () => {
    expect(sdkEventNames).toEqual([
      'onIntegrationInstall',
      'onIntegrationUninstall',
      'onWorkflowChange',
      'onPortalOpen',
      'onPortalClose',
    ]);
    const { bus } = makeBus();
    for (const name of sdkEventNames) expect(typeof bus.subscribe(name, () => {})).toBe('function');
  });

  test('an unknown event name throws for subscribe and unsubscribe', () => {
    const { bus } = makeBus();
    expect(() => bus.subscribe('onSomething' as SdkEventName, () => {})).toThrow(
      'onSomething is not valid event',
    );
    expect(() => bus.unsubscribe('integrationInstall' as SdkEventName, () => {})).toThrow(
      'integrationInstall is not valid event',
    );
  });

  test('a missing listener throws', () => {
    const { bus } = makeBus();
    expect(() => bus.subscribe('onPortalOpen', undefined as never)).toThrow(
      'no listener is provided for onPortalOpen',
    );
    expect(() => bus.unsubscribe('onPortalOpen', 'x' as never)).toThrow(
      'listener is required for unsubscription',
    );
  });

  test('listeners get the event and a user snapshot, only for their event name', () => {
    const user: ConnectUser = {
      authenticated: true,
      userId: 'user-1',
      integrations: {},
      meta: { Name: 'Ada' },
      resources: [],
    };
    const { bus } = makeBus(user);
    const calls: unknown[][] = [];
    bus.subscribe('onIntegrationUninstall', (event, snapshot) => calls.push([event, snapshot]));
    bus.subscribe('onIntegrationInstall', () => calls.push(['wrong event']));
    bus.emit('onIntegrationUninstall', uninstall);
    expect(calls).toEqual([[uninstall, user]]);
  });

  test('the unsubscribe function and unsubscribe() stop delivery and report whether anything was removed', () => {
    const { bus } = makeBus();
    const calls: string[] = [];
    const first = () => calls.push('first');
    const second = () => calls.push('second');
    const stopFirst = bus.subscribe('onPortalClose', first);
    bus.subscribe('onPortalClose', second);
    bus.emit('onPortalClose', uninstall);
    expect(stopFirst()).toBe(true);
    expect(stopFirst()).toBe(false);
    expect(bus.unsubscribe('onPortalClose', second)).toBe(true);
    expect(bus.unsubscribe('onPortalOpen', second)).toBe(false);
    bus.emit('onPortalClose', uninstall);
    expect(calls).toEqual(['first', 'second']);
  });

  test('the same listener subscribed twice is called once', () => {
    const { bus } = makeBus();
    let count = 0;
    const listener = () => {
      count += 1;
    };
    bus.subscribe('onPortalOpen', listener);
    bus.subscribe('onPortalOpen', listener);
    bus.emit('onPortalOpen', uninstall);
    expect(count).toBe(1);
  });

  test('a throwing listener is logged and the others still run', () => {
    const { bus, logged } = makeBus();
    const calls: string[] = [];
    bus.subscribe('onWorkflowChange', () => {
      throw new Error('boom');
    });
    bus.subscribe('onWorkflowChange', () => calls.push('after'));
    expect(() =>
      bus.emit('onWorkflowChange', {
        integrationId: 'i',
        workflowId: 'w',
        workflowStateChange: { enabled: true },
      }),
    ).not.toThrow();
    expect(calls).toEqual(['after']);
    expect(logged).toHaveLength(1);
    expect(String(logged[0]?.[0])).toContain('onWorkflowChange');
    expect(logged[0]?.[1]).toMatchObject({ message: 'boom' });
  });

  test('listeners cannot change what the next listener receives', () => {
    const { bus } = makeBus();
    const seen: string[] = [];
    bus.subscribe('onIntegrationUninstall', (event) => {
      event.integrationType = 'mutated';
    });
    bus.subscribe('onIntegrationUninstall', (event) => seen.push(event.integrationType));
    bus.emit('onIntegrationUninstall', { ...uninstall });
    expect(seen).toEqual(['salesforce']);
  });
});
