import type { SdkLogger } from '../sdkEvents';
import { type FetchLike, type SdkAuth, selectedCredentialHeader, sendSdkRequest } from '../sdkHttp';
import { boxPicker } from './boxPicker';
import { dropboxChooser } from './dropboxChooser';
import { googlePicker } from './googlePicker';
import { microsoftPicker } from './microsoftPicker';
import type { PickedFile } from './normalizeFile';
import type { FilePickerInitConfig, PickerAdapter, PreparedPicker } from './pickerAdapter';

export type FilePickerOptions = {
  /** MIME types (`application/pdf`, `image/*`) or extensions (`.pdf`); default: everything. */
  allowedTypes?: string[];
  allowMultiSelect?: boolean;
  /** The spelling of the reference's own example. */
  allowMultiselect?: boolean;
  allowFolderSelect?: boolean;
  /** The picker appeared. */
  onOpen?(): void;
  /** The picker went away: after onFileSelect or onCancel, every time. */
  onClose?(): void;
  onFileSelect?(files: PickedFile[]): void;
  /** The picker went away without a selection (cancelled or closed). */
  onCancel?(): void;
};

/** What a picker needs from the client: called at construction and at every init(). */
export type FilePickerContext = () => { auth: SdkAuth; fetch: FetchLike; window: Window; logger: SdkLogger };

const adapters: Record<string, PickerAdapter> = {
  googledrive: googlePicker,
  box: boxPicker,
  dropbox: dropboxChooser,
  onedrive: microsoftPicker,
  sharepoint: microsoftPicker,
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * `new paragon.ExternalFilePicker(type, options)`: a provider's own file picker, signed in as the
 * user's connected account. `init()` fetches the account's access token from Switchboard and loads
 * the provider's script (once per page); `open()` then shows the picker, synchronously, so call it
 * from a click handler. Every opening ends with `onFileSelect(files)` or `onCancel()`, then `onClose()`.
 */
export class ExternalFilePicker {
  private readonly adapter: PickerAdapter;
  private readonly options: FilePickerOptions;
  private readonly logger: SdkLogger;
  private prepared: PreparedPicker | undefined;
  private isOpen = false;

  constructor(
    private readonly context: FilePickerContext,
    readonly integrationType: string,
    options: FilePickerOptions = {},
  ) {
    this.logger = context().logger;
    if (!integrationType) throw new Error('Missing argument: Integration type is required');
    const adapter = Object.hasOwn(adapters, integrationType) ? adapters[integrationType] : undefined;
    if (!adapter) throw new Error(`${integrationType}'s file picker is not supported`);
    const { allowedTypes } = options;
    if (
      allowedTypes !== undefined &&
      !(Array.isArray(allowedTypes) && allowedTypes.every((t) => typeof t === 'string'))
    )
      throw new Error('allowedTypes must be an array of MIME types, e.g. ["application/pdf", "image/*"]');
    this.adapter = adapter;
    this.options = options;
  }

  /**
   * Loads and authenticates the picker; resolves true when open() may be called. Call it again to
   * pick up a fresh access token; the provider's script is not loaded twice.
   */
  async init(config: FilePickerInitConfig = {}): Promise<boolean> {
    const { adapter, integrationType: type, options } = this;
    const [option, missing] = adapter.required ?? [];
    if (option && !config[option]) throw new Error(missing);
    const { auth, fetch, window } = this.context();
    let credential: unknown;
    try {
      credential = await sendSdkRequest(fetch, auth, {
        method: 'GET',
        path: `/credentials?integration=${encodeURIComponent(type)}&includeAccountAuth=${adapter.token}`,
        headers: config.selectedCredentialId
          ? { [selectedCredentialHeader]: config.selectedCredentialId }
          : {},
      });
    } catch (error) {
      throw new Error(`Cannot open ${type}'s file picker: ${describe(error)}`, { cause: error });
    }
    const record = isRecord(credential) ? credential : {};
    const accountAuth = isRecord(record.accountAuth) ? record.accountAuth : {};
    const providerData = isRecord(record.providerData) ? record.providerData : {};
    const accessToken = accountAuth.OAUTH_ACCESS_TOKEN;
    if (record.status !== undefined && record.status !== 'VALID')
      throw new Error(`The user's ${type} account needs to be reconnected (its status is ${record.status}).`);
    if (adapter.token && (typeof accessToken !== 'string' || !accessToken))
      throw new Error(`Switchboard returned no access token for the user's ${type} account.`);
    this.prepared = await adapter.prepare(
      window,
      {
        integrationType: type,
        allowedTypes: options.allowedTypes ?? [],
        multiple: (options.allowMultiSelect ?? options.allowMultiselect) === true,
        folders: options.allowFolderSelect === true,
      },
      config,
      {
        accessToken: typeof accessToken === 'string' ? accessToken : '',
        domain: typeof accountAuth.DOMAIN === 'string' ? accountAuth.DOMAIN : undefined,
        webUrl: typeof providerData.webUrl === 'string' ? providerData.webUrl : undefined,
      },
    );
    return true;
  }

  /** Shows the picker; false when it is already showing. Throws before init() has resolved. */
  open(): boolean {
    const prepared = this.ready();
    if (this.isOpen) return false;
    this.isOpen = true;
    let opened = false;
    let ended = false;
    const end = (files?: PickedFile[]) => {
      if (ended) return;
      ended = true;
      this.isOpen = false;
      if (files) this.call('onFileSelect', files);
      else this.call('onCancel');
      this.call('onClose');
    };
    try {
      prepared.open({
        opened: () => {
          if (!opened && !ended) this.call('onOpen');
          opened = true;
        },
        picked: end,
        dismissed: () => end(),
      });
    } catch (error) {
      this.isOpen = false;
      throw error;
    }
    return true;
  }

  /** The provider's library object: `google.picker`, the Box.FilePicker, `Dropbox`; OneDrive and SharePoint: the picker window (null until opened). */
  getInstance(): unknown {
    return this.ready().instance;
  }

  private ready(): PreparedPicker {
    if (!this.prepared)
      throw new Error(
        `The ${this.integrationType} file picker is not ready: await picker.init() before using it.`,
      );
    return this.prepared;
  }

  private call(name: 'onOpen' | 'onClose' | 'onCancel' | 'onFileSelect', files?: PickedFile[]): void {
    const callback = this.options[name];
    if (typeof callback !== 'function') return;
    try {
      (callback as (files?: PickedFile[]) => void).call(this.options, ...(files ? [files] : []));
    } catch (error) {
      this.logger.error(`Switchboard SDK: the file picker's ${name} callback threw`, error);
    }
  }
}

/** `paragon.ExternalFilePicker`: callable with or without `new`, bound to one client. */
export type ExternalFilePickerConstructor = {
  new (integrationType: string, options?: FilePickerOptions): ExternalFilePicker;
  (integrationType: string, options?: FilePickerOptions): ExternalFilePicker;
  prototype: ExternalFilePicker;
};

export function externalFilePickerFor(context: FilePickerContext): ExternalFilePickerConstructor {
  // A function returning an object: `new` yields that object, and `instanceof` holds through the prototype.
  function BoundExternalFilePicker(integrationType: string, options?: FilePickerOptions) {
    return new ExternalFilePicker(context, integrationType, options);
  }
  BoundExternalFilePicker.prototype = ExternalFilePicker.prototype;
  return BoundExternalFilePicker as unknown as ExternalFilePickerConstructor;
}
