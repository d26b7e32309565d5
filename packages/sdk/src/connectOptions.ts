import type { DropdownOption, PortalTheme } from '@switchboard/contracts';
import type { ConnectUser } from './connectUser';
import type {
  IntegrationInstallEvent,
  IntegrationUninstallEvent,
  PortalEvent,
  WorkflowStateChangeEvent,
} from './sdkEvents';

/**
 * Per-call callbacks of `connect()` / `installIntegration()` (wire protocol 9.2): kept per integration
 * type, replaced by the next call for that type, and each called at most once.
 */
export type IntegrationCallbacks = {
  onSuccess?: (event: IntegrationInstallEvent, user: ConnectUser) => void;
  /** Same event as onSuccess; takes precedence when both are given. */
  onInstall?: (event: IntegrationInstallEvent, user: ConnectUser) => void;
  onError?: (error: Error, user: ConnectUser) => void;
  onUninstall?: (event: IntegrationUninstallEvent, user: ConnectUser) => void;
  onWorkflowChange?: (event: WorkflowStateChangeEvent, user: ConnectUser) => void;
  onOpen?: (event: PortalEvent, user: ConnectUser) => void;
  onClose?: (event: PortalEvent, user: ConnectUser) => void;
};

export type InstallOptions = {
  /** Skips the account-type choice for integrations that offer several. */
  accountType?: string;
  /** Connect another account even when one is connected already. */
  allowMultipleCredentials?: boolean;
  /** The credential (id or `ext:<externalId>`) the portal shows, or that a re-install replaces. */
  selectedCredentialId?: string;
  /** Options of CUSTOM_DROPDOWN User Settings, by dropdown key (static arrays). */
  dropdowns?: Record<string, DropdownOption[]>;
  /** Milliseconds before an OAuth popup flow fails with OAuthTimeoutError (default 3 minutes). */
  oauthTimeout?: number;
};

export type ConnectOptions = InstallOptions &
  IntegrationCallbacks & {
    /** The portal's colour scheme; `system` follows the user's `prefers-color-scheme`. */
    theme?: PortalTheme;
  };

export type InstallIntegrationOptions = InstallOptions & Omit<IntegrationCallbacks, 'onOpen' | 'onClose'>;

/** `setDataSources({ dropdowns })`: static options for CUSTOM_DROPDOWN inputs of every integration. */
export type DataSources = { dropdowns?: Record<string, DropdownOption[]> };

/** Static options, each `{ label, value }` with string fields, deduplicated by value (first wins). */
export function normalizeDropdowns(dropdowns: unknown): Record<string, DropdownOption[]> {
  const result: Record<string, DropdownOption[]> = {};
  if (typeof dropdowns !== 'object' || dropdowns === null) return result;
  for (const [key, options] of Object.entries(dropdowns)) {
    if (!Array.isArray(options)) {
      throw new Error(
        `dropdowns["${key}"] must be an array of { label, value } (option loaders are not supported).`,
      );
    }
    const seen = new Set<string>();
    const list: DropdownOption[] = [];
    for (const option of options) {
      const { label, value } = (option ?? {}) as Partial<DropdownOption>;
      if (typeof label !== 'string' || typeof value !== 'string') {
        throw new Error(`dropdowns["${key}"] options must be { label: string, value: string }.`);
      }
      if (seen.has(value)) continue;
      seen.add(value);
      list.push({ label, value });
    }
    result[key] = list;
  }
  return result;
}
