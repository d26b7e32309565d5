import type { Credential } from '@switchboard/contracts';
import type { ConnectUser } from './connectUser';

/** The global SDK events (wire protocol 9.1). */
export const sdkEventNames = [
  'onIntegrationInstall',
  'onIntegrationUninstall',
  'onWorkflowChange',
  'onPortalOpen',
  'onPortalClose',
] as const;
export type SdkEventName = (typeof sdkEventNames)[number];

export type IntegrationInstallEvent = {
  integrationId: string;
  integrationType: string;
  credentialId?: string;
  credential?: Credential;
};
export type IntegrationUninstallEvent = { integrationId: string; integrationType: string };
export type WorkflowStateChangeEvent = {
  integrationId: string;
  workflowId: string;
  workflowStateChange: Partial<{ enabled: boolean; settings: Record<string, unknown> }>;
};
export type PortalEvent = { integrationId: string; integrationType: string };

export type SdkEventMap = {
  onIntegrationInstall: IntegrationInstallEvent;
  onIntegrationUninstall: IntegrationUninstallEvent;
  onWorkflowChange: WorkflowStateChangeEvent;
  onPortalOpen: PortalEvent;
  onPortalClose: PortalEvent;
};

export type SdkEventListener<K extends SdkEventName> = (event: SdkEventMap[K], user: ConnectUser) => void;

export type SdkLogger = {
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
};

function assertEventName(name: unknown): asserts name is SdkEventName {
  if (!(sdkEventNames as readonly unknown[]).includes(name))
    throw new Error(`${String(name)} is not valid event`);
}

/**
 * Listener registry. Each listener receives the event and a fresh `getUser()` snapshot (a clone
 * without the token: listeners cannot corrupt SDK state). A throwing listener is logged and does not
 * stop the others.
 */
export class SdkEventBus {
  private readonly listeners = new Map<SdkEventName, Set<SdkEventListener<SdkEventName>>>();

  constructor(
    private readonly getUser: () => ConnectUser,
    private readonly logger: SdkLogger,
  ) {}

  subscribe<K extends SdkEventName>(name: K, listener: SdkEventListener<K>): () => boolean {
    assertEventName(name);
    if (typeof listener !== 'function') throw new Error(`no listener is provided for ${name}`);
    const set = this.listeners.get(name) ?? new Set();
    set.add(listener as SdkEventListener<SdkEventName>);
    this.listeners.set(name, set);
    return () => this.unsubscribe(name, listener);
  }

  unsubscribe<K extends SdkEventName>(name: K, listener: SdkEventListener<K>): boolean {
    assertEventName(name);
    if (typeof listener !== 'function') throw new Error('listener is required for unsubscription');
    return this.listeners.get(name)?.delete(listener as SdkEventListener<SdkEventName>) ?? false;
  }

  emit<K extends SdkEventName>(name: K, event: SdkEventMap[K]): void {
    for (const listener of [...(this.listeners.get(name) ?? [])]) {
      try {
        listener(structuredClone(event), this.getUser());
      } catch (error) {
        this.logger.error(`Switchboard SDK: a listener for ${name} threw`, error);
      }
    }
  }
}
