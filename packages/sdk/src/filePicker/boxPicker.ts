import { loadScript } from './loadScript';
import { extensionsFor } from './mimeTypes';
import { normalizeFile } from './normalizeFile';
import type { PickerAdapter } from './pickerAdapter';

/** Box UI Elements' Content Picker (the official client's version); picker.css sits beside it. */
export const boxPickerUrl = 'https://cdn01.boxcdn.net/platform/elements/21.0.0/en-US/picker.js';

type BoxFilePicker = {
  addListener(event: string, listener: (data?: unknown) => void): void;
  show(folderId: string, token: string, options: Record<string, unknown>): void;
  hide(): void;
};

function boxFile(item: Record<string, unknown>) {
  const sharedLink = item.shared_link as { url?: unknown } | null | undefined;
  const folder = item.type === 'folder';
  return normalizeFile(item, {
    id: item.id,
    name: item.name,
    size: item.size,
    url:
      sharedLink?.url ??
      (item.type === 'web_link' ? item.url : `https://app.box.com/${folder ? 'folder' : 'file'}/${item.id}`),
    isFolder: folder,
  });
}

/**
 * Box Content Picker: `new Box.FilePicker().show(folderId, token, options)` rendered into a container
 * over the page; `choose` gives the items, `cancel` (and `close` in Box's modal mode) end without.
 * Options: `maxSelectable` 1 unless multiselect, `extensions` without their dot, `type` with folders.
 */
export const boxPicker: PickerAdapter = {
  required: ['folderId', 'Please provide a valid Folder ID'],
  token: true,
  async prepare(win, settings, config, account) {
    const extensions = extensionsFor(settings.integrationType, settings.allowedTypes).map((e) => e.slice(1));
    const url = config.scriptUrl ?? boxPickerUrl;
    const document = win.document;
    await Promise.all([
      loadScript(document, url),
      loadScript(document, url.replace(/\.js(?=$|\?)/, '.css'), {}, true),
    ]);
    const Box = (win as unknown as { Box?: { FilePicker?: new () => BoxFilePicker } }).Box;
    if (!Box?.FilePicker) throw new Error(`${url} did not define Box.FilePicker`);
    const picker = new Box.FilePicker();
    return {
      instance: picker,
      open(events) {
        const overlay = document.createElement('div');
        overlay.setAttribute(
          'style',
          'position:fixed;inset:0;z-index:2147483647;display:grid;place-items:center;background:rgb(0 0 0/.5)',
        );
        const container = document.createElement('div');
        container.setAttribute(
          'style',
          'width:min(94vw,960px);height:min(88vh,640px);background:#fff;border-radius:8px;overflow:hidden',
        );
        overlay.append(container);
        document.body.append(overlay);
        const end = (items?: unknown) => {
          picker.hide();
          overlay.remove();
          if (Array.isArray(items)) events.picked(items.map(boxFile));
          else events.dismissed();
        };
        picker.addListener('choose', (items) => end(Array.isArray(items) ? items : []));
        picker.addListener('cancel', () => end());
        picker.addListener('close', () => end());
        picker.show(config.folderId as string, account.accessToken, {
          container,
          ...(settings.multiple ? {} : { maxSelectable: 1 }),
          ...(extensions.length > 0 ? { extensions } : {}),
          ...(settings.folders ? { type: 'file,web_link,folder' } : {}),
        });
        events.opened();
      },
    };
  },
};
