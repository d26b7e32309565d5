import type { ConnectInput } from '@switchboard/contracts';

/**
 * What the server needs to know about a catalog entry to list it. Built once at boot from
 * @switchboard/catalog (see `createCatalogView`), so routes never reach into definition details.
 */
export interface CatalogEntryView {
  type: string;
  name: string;
  brandColor: string;
  /** Inline SVG document. */
  iconSvg: string;
  description: string;
  overview: string;
  /** The SDK's `authenticationType`: `oauth` for OAuth 2.0 installs, `basic` for API keys / credentials. */
  authenticationType: 'oauth' | 'basic';
  needPreOauthInputs: boolean;
  defaultScopes: string[];
  /** What the portal asks before installing: OAuth pre-inputs (e.g. a shop) or the API-key fields. */
  installInputs: ConnectInput[];
  /** Account types the user may choose between (e.g. Salesforce production vs sandbox); empty when one. */
  accountTypes: Array<{ id: string; description: string }>;
  /** What the portal asks after the OAuth popup (e.g. which workspace); the credential is PENDING until given. */
  postOauthInputs: ConnectInput[];
}

export interface CatalogView {
  get(type: string): CatalogEntryView | undefined;
  list(): CatalogEntryView[];
}
