import type { PortalToSdkMessage, SdkToPortalMessage } from '@switchboard/contracts';
import { readPortalMessage } from './portalMessages';

/**
 * The Connect Portal iframe (`<host>/ui/?projectId=…`): created once per host and project, hidden
 * until the portal says it shows something. Messages go out with the Switchboard origin as target
 * and come in only from the iframe's window at that origin, and only when well-formed.
 */
export class PortalFrame {
  readonly hostOrigin: string;
  private readonly iframe: HTMLIFrameElement;
  private ready = false;
  /** The latest message sent before the portal was ready (each `init` replaces the last). */
  private pending: SdkToPortalMessage | undefined;
  private visible = false;
  private restore: { overflow: string; focus: Element | null } | undefined;

  constructor(
    private readonly win: Window,
    host: string,
    projectId: string,
    private readonly onMessage: (message: PortalToSdkMessage) => void,
  ) {
    this.hostOrigin = new URL(host).origin;
    const doc = win.document;
    const iframe = doc.createElement('iframe');
    iframe.id = 'paragon-connect-frame';
    iframe.title = 'Connect Portal';
    iframe.allow = 'clipboard-write';
    iframe.src = `${host}/ui/?projectId=${encodeURIComponent(projectId)}`;
    Object.assign(iframe.style, {
      position: 'fixed',
      inset: '0',
      width: '100vw',
      height: '100vh',
      border: '0',
      margin: '0',
      padding: '0',
      zIndex: '2147483647',
      background: 'transparent',
      colorScheme: 'normal',
      display: 'none',
    });
    iframe.setAttribute('aria-hidden', 'true');
    iframe.tabIndex = -1;
    this.iframe = iframe;
    win.addEventListener('message', this.listener);
    doc.body.append(iframe);
  }

  private readonly listener = (event: MessageEvent) => {
    if (event.origin !== this.hostOrigin || event.source !== this.iframe.contentWindow) return;
    const message = readPortalMessage(event.data);
    if (!message) return;
    if (message.type === 'switchboard:ready') {
      // Also after the portal reloaded: it gets the latest state again.
      this.ready = true;
      const pending = this.pending;
      this.pending = undefined;
      if (pending) this.post(pending);
    }
    this.onMessage(message);
  };

  post(message: SdkToPortalMessage): void {
    const target = this.iframe.contentWindow;
    if (!this.ready || !target) {
      this.pending = message;
      return;
    }
    if (message.type === 'switchboard:close') this.pending = undefined;
    target.postMessage(message, this.hostOrigin);
  }

  /** Shows the portal over the page, locks page scroll and moves focus into the portal. */
  show(): void {
    if (this.visible) return;
    this.visible = true;
    const doc = this.win.document;
    this.restore = { overflow: doc.body.style.overflow, focus: doc.activeElement };
    doc.body.style.overflow = 'hidden';
    this.iframe.style.display = 'block';
    this.iframe.removeAttribute('aria-hidden');
    this.iframe.tabIndex = 0;
    this.iframe.focus();
  }

  /** Hides it and gives the page its scroll and focus back. */
  hide(): void {
    if (!this.visible) return;
    this.visible = false;
    this.iframe.style.display = 'none';
    this.iframe.setAttribute('aria-hidden', 'true');
    this.iframe.tabIndex = -1;
    const restore = this.restore;
    this.restore = undefined;
    if (restore) {
      this.win.document.body.style.overflow = restore.overflow;
      const focus = restore.focus as HTMLElement | null;
      if (focus?.isConnected && typeof focus.focus === 'function') focus.focus();
    }
  }

  destroy(): void {
    this.hide();
    this.win.removeEventListener('message', this.listener);
    this.iframe.remove();
  }
}
