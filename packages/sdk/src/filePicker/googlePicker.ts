import { loadScript } from './loadScript';
import { mimeTypesFor } from './mimeTypes';
import { normalizeFile } from './normalizeFile';
import type { PickerAdapter } from './pickerAdapter';

/** Google's API loader; `gapi.load('picker')` then loads the Picker library. */
export const googleApiUrl = 'https://apis.google.com/js/api.js';

const folderMimeType = 'application/vnd.google-apps.folder';

/** The parts of the Google Picker API (`google.picker`) used here. */
type DocsView = {
  setMimeTypes(mimeTypes: string): DocsView;
  setIncludeFolders(include: boolean): DocsView;
  setSelectFolderEnabled(enabled: boolean): DocsView;
};
type Picker = { setVisible(visible: boolean): void; dispose(): void };
type PickerBuilder = {
  addView(view: DocsView): PickerBuilder;
  setOAuthToken(token: string): PickerBuilder;
  setDeveloperKey(key: string): PickerBuilder;
  setAppId(appId: string): PickerBuilder;
  enableFeature(feature: string): PickerBuilder;
  setCallback(callback: (data: Record<string, unknown>) => void): PickerBuilder;
  build(): Picker;
};
type GooglePickerApi = {
  PickerBuilder: new () => PickerBuilder;
  DocsView: new (viewId: string) => DocsView;
  ViewId: { DOCS: string };
  Feature: { MULTISELECT_ENABLED: string };
  Action: { LOADED: string; PICKED: string; CANCEL: string };
  Response: { ACTION: string; DOCUMENTS: string };
};
type GoogleGlobals = {
  gapi?: { load(library: string, config: { callback(): void; onerror(): void }): void };
  google?: { picker?: GooglePickerApi };
};

/**
 * Google Picker: a DocsView (MIME filter, folders) in a PickerBuilder with the user's OAuth token, the
 * developer key and app id, multiselect as a feature. The callback reports LOADED, PICKED (with
 * `docs`) and CANCEL.
 */
export const googlePicker: PickerAdapter = {
  required: ['developerKey', 'Please provide a valid developer key'],
  token: true,
  async prepare(win, settings, config, account) {
    const mimeTypes = mimeTypesFor(settings.integrationType, settings.allowedTypes);
    const url = config.scriptUrl ?? googleApiUrl;
    await loadScript(win.document, url);
    const globals = win as unknown as GoogleGlobals;
    const gapi = globals.gapi;
    if (!gapi) throw new Error(`${url} did not define gapi`);
    await new Promise<void>((resolve, reject) =>
      gapi.load('picker', {
        callback: resolve,
        onerror: () => reject(new Error('Google Picker did not load')),
      }),
    );
    const api = globals.google?.picker;
    if (!api) throw new Error('Google Picker did not load');
    return {
      instance: api,
      open(events) {
        const view = new api.DocsView(api.ViewId.DOCS);
        if (settings.folders) view.setIncludeFolders(true).setSelectFolderEnabled(true);
        if (mimeTypes.length > 0)
          view.setMimeTypes([...mimeTypes, ...(settings.folders ? [folderMimeType] : [])].join(','));
        const builder = new api.PickerBuilder()
          .addView(view)
          .setOAuthToken(account.accessToken)
          .setDeveloperKey(config.developerKey as string)
          .setCallback((data) => {
            const action = data[api.Response.ACTION];
            if (action === api.Action.LOADED) return events.opened();
            if (action !== api.Action.PICKED && action !== api.Action.CANCEL) return;
            picker.dispose();
            const docs = data[api.Response.DOCUMENTS];
            if (action === api.Action.CANCEL || !Array.isArray(docs)) return events.dismissed();
            events.picked(
              docs.map((doc: Record<string, unknown>) =>
                normalizeFile(doc, {
                  id: doc.id,
                  name: doc.name,
                  mimeType: doc.mimeType,
                  size: doc.sizeBytes,
                  url: doc.url,
                  isFolder: doc.mimeType === folderMimeType,
                }),
              ),
            );
          });
        if (config.appId) builder.setAppId(config.appId);
        if (settings.multiple) builder.enableFeature(api.Feature.MULTISELECT_ENABLED);
        const picker = builder.build();
        picker.setVisible(true);
      },
    };
  },
};
