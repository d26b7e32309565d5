import { loadScript } from './loadScript';
import { extensionsFor } from './mimeTypes';
import { normalizeFile } from './normalizeFile';
import type { PickerAdapter } from './pickerAdapter';

/** Dropbox's Chooser; it reads the app key from its own script tag (`id="dropboxjs" data-app-key`). */
export const dropboxChooserUrl = 'https://www.dropbox.com/static/api/2/dropins.js';

type ChooserFile = Record<string, unknown>;
type Dropbox = {
  appKey?: string;
  isBrowserSupported?(): boolean;
  choose(options: {
    success(files: ChooserFile[]): void;
    cancel(): void;
    linkType: 'preview' | 'direct';
    multiselect: boolean;
    folderselect: boolean;
    extensions?: string[];
  }): void;
};

/**
 * Dropbox Chooser: `Dropbox.choose({ success, cancel, multiselect, folderselect, extensions })`.
 * The Chooser signs the user in to Dropbox in its own window: it takes an app key, never a token, so
 * the user's token is not fetched. Wildcard types become Dropbox's file categories (`images`, …).
 */
export const dropboxChooser: PickerAdapter = {
  required: ['appKey', 'Please provide a valid app key'],
  token: false,
  async prepare(win, settings, config) {
    const extensions = extensionsFor(settings.integrationType, settings.allowedTypes, {
      image: 'images',
      video: 'video',
      audio: 'audio',
      text: 'text',
    });
    const appKey = config.appKey as string;
    const url = config.scriptUrl ?? dropboxChooserUrl;
    await loadScript(win.document, url, { id: 'dropboxjs', 'data-app-key': appKey });
    const dropbox = (win as unknown as { Dropbox?: Dropbox }).Dropbox;
    if (!dropbox?.choose) throw new Error(`${url} did not define Dropbox.choose`);
    if (dropbox.isBrowserSupported?.() === false)
      throw new Error('Dropbox Chooser does not support this browser');
    return {
      instance: dropbox,
      open(events) {
        dropbox.appKey = appKey;
        dropbox.choose({
          success: (files) =>
            events.picked(
              files.map((file) =>
                normalizeFile(file, {
                  id: file.id,
                  name: file.name,
                  size: file.bytes,
                  url: file.link,
                  isFolder: file.isDir === true,
                }),
              ),
            ),
          cancel: () => events.dismissed(),
          linkType: 'preview',
          multiselect: settings.multiple,
          folderselect: settings.folders,
          ...(extensions.length > 0 ? { extensions } : {}),
        });
        events.opened();
      },
    };
  },
};
