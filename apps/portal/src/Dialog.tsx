import { type CSSProperties, type KeyboardEvent, type ReactNode, useEffect, useRef } from 'react';

const focusableSelector = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  'summary',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

/** Focusable and shown: not hidden, inert, or inside a closed <details> (whose content keeps its boxes). */
function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(focusableSelector)].filter((element) => {
    if (element.closest('[hidden], [inert]')) return false;
    const details = element.parentElement?.closest('details');
    if (details && !details.open && element !== details.querySelector(':scope > summary')) return false;
    return typeof element.checkVisibility === 'function'
      ? element.checkVisibility()
      : element.getClientRects().length > 0;
  });
}

/**
 * A modal dialog (WAI-ARIA APG): labelled and described, focus moved in on open and kept inside
 * (Tab / Shift+Tab wrap), Esc and a click on the backdrop close it. The portal document contains
 * nothing else, so there is no page content to make inert.
 */
export function Dialog(props: {
  labelledBy: string;
  describedBy: string;
  onClose(): void;
  style?: CSSProperties;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const { onClose } = props;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const focusDialog = () => {
      const active = document.activeElement;
      if (!active || active === document.body || active === document.documentElement) dialog.focus();
    };
    focusDialog();
    // The SDK shows the iframe (and focuses it) only after the portal says it opened: take focus then.
    window.addEventListener('focus', focusDialog);
    const onDocumentKey = (event: globalThis.KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) {
        event.preventDefault();
        onClose();
      }
    };
    document.addEventListener('keydown', onDocumentKey);
    return () => {
      window.removeEventListener('focus', focusDialog);
      document.removeEventListener('keydown', onDocumentKey);
    };
  }, [onClose]);

  const trapTab = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'Tab' || !ref.current) return;
    const items = focusables(ref.current);
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) {
      event.preventDefault();
      return;
    }
    const active = document.activeElement;
    if (event.shiftKey && (active === first || active === ref.current)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a pointer convenience; Esc and the close button are the accessible ways out
    <div
      className="backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby={props.labelledBy}
        aria-describedby={props.describedBy}
        className="dialog"
        data-testid="portal"
        tabIndex={-1}
        style={props.style}
        onKeyDown={trapTab}
      >
        {props.children}
      </div>
    </div>
  );
}
