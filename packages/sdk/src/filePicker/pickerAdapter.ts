import type { PickedFile } from './normalizeFile';

/** `picker.init(config)`: what each provider needs (see docs/official-client.md#externalfilepicker). */
export type FilePickerInitConfig = {
  /** Google Drive: the project's browser API key (required). */
  developerKey?: string;
  /** Google Drive: the Cloud project number, so that picked files are readable with the drive.file scope. */
  appId?: string;
  /** Box: the folder the picker starts in (`"0"`: all files) (required). */
  folderId?: string;
  /** Dropbox: the Chooser's app key (required). */
  appKey?: string;
  /** Which of the user's accounts to pick from (`X-Paragon-Credential`); default the current one. */
  selectedCredentialId?: string;
  /**
   * Where to load the provider's picker from instead of its own CDN (a mirror, or a test stand-in):
   * Google's api.js, Box's picker.js (picker.css beside it), Dropbox's dropins.js, or for OneDrive and
   * SharePoint the picker page the form is posted to.
   */
  scriptUrl?: string;
};

/** The parts of `GET /sdk/credentials?integration=<type>&includeAccountAuth=true` the pickers read. */
export type PickerAccount = {
  accessToken: string;
  /** `accountAuth.DOMAIN`: the OneDrive base URL. */
  domain: string | undefined;
  /** `providerData.webUrl`: the SharePoint site. */
  webUrl: string | undefined;
};

export type PickerSettings = {
  integrationType: string;
  allowedTypes: string[];
  multiple: boolean;
  folders: boolean;
};

/** An adapter reports how one opening ended, once: picked files, or dismissed without a pick. */
export type PickerEvents = {
  opened(): void;
  picked(files: PickedFile[]): void;
  dismissed(): void;
};

/** A provider's picker, loaded and authenticated: ready to open. */
export type PreparedPicker = {
  /** What getInstance() returns: the provider's library object. */
  readonly instance: unknown;
  /** Shows the picker; synchronous, so that it runs inside the click handler that called open(). */
  open(events: PickerEvents): void;
};

export type PickerAdapter = {
  /** The init option the provider cannot work without, and the error when it is missing. */
  required: [keyof FilePickerInitConfig, string] | undefined;
  /** Whether the picker is given the user's access token (Dropbox's Chooser signs in by itself). */
  token: boolean;
  prepare(
    window: Window,
    settings: PickerSettings,
    config: FilePickerInitConfig,
    account: PickerAccount,
  ): Promise<PreparedPicker>;
};
