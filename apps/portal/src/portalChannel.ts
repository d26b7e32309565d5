import {
  type PortalToSdkMessage,
  portalInitMessageSchema,
  type SdkToPortalMessage,
  sdkToPortalMessageSchema,
} from '@switchboard/contracts';

export type PortalChannel = {
  /** Listens to the SDK's messages; returns a function that stops listening. */
  subscribe(listener: (message: SdkToPortalMessage) => void): () => void;
  /** Posts to the SDK's page (dropped until the first `init` has told the portal its origin). */
  post(message: PortalToSdkMessage): void;
  /** Tells the parent page the portal listens (`switchboard:ready`). */
  announce(): void;
  /** The SDK page's origin, once known. */
  sdkOrigin(): string | undefined;
};

/**
 * The portal's side of the SDK ⇄ portal protocol (packages/contracts/src/portalMessage.ts). The
 * first `init` must come from `window.parent`; its origin becomes the only origin accepted and the
 * only target of posts from then on. Everything is validated with the zod schemas; anything else is
 * ignored.
 */
export function createPortalChannel(win: Window): PortalChannel {
  let origin: string | undefined;
  const listeners = new Set<(message: SdkToPortalMessage) => void>();
  const embedded = win.parent !== win;

  win.addEventListener('message', (event: MessageEvent) => {
    if (!embedded || event.source !== win.parent) return;
    if (origin === undefined) {
      // `null` is the origin of sandboxed and file: documents: nothing can be posted back to it.
      if (event.origin === 'null' || !event.origin) return;
      const init = portalInitMessageSchema.safeParse(event.data);
      if (!init.success) return;
      origin = event.origin;
      for (const listener of [...listeners]) listener(init.data);
      return;
    }
    if (event.origin !== origin) return;
    const parsed = sdkToPortalMessageSchema.safeParse(event.data);
    if (!parsed.success) return;
    for (const listener of [...listeners]) listener(parsed.data);
  });

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    post(message) {
      if (origin === undefined || !embedded) return;
      win.parent.postMessage(message, origin);
    },
    announce() {
      // Carries nothing, so any parent may see it: the SDK answers with `init` to this origin.
      if (embedded) win.parent.postMessage({ type: 'switchboard:ready' }, '*');
    },
    sdkOrigin: () => origin,
  };
}
