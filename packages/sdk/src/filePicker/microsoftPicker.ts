import { extensionsFor } from './mimeTypes';
import { normalizeFile } from './normalizeFile';
import type { PickerAccount, PickerAdapter } from './pickerAdapter';

/** The account's URL, https-prefixed when it has no scheme: the token is form-POSTed there, never over http. */
function httpsBase(url: string): string {
  const base = (/^[a-z][\w+.-]*:/i.test(url) ? url : `https://${url}`).replace(/\/+$/, '');
  if (!/^https:\/\//i.test(base)) throw new Error(`The Microsoft picker needs an https site, not ${base}`);
  return base;
}

function sharePointSite(account: PickerAccount): string {
  if (!account.webUrl)
    throw new Error('The SharePoint account has no site URL (providerData.webUrl): reconnect SharePoint.');
  return httpsBase(account.webUrl);
}

/**
 * The picker page (Microsoft File Picker v8): SharePoint `<site>/_layouts/15/FilePicker.aspx`;
 * OneDrive for Business the same under `accountAuth.DOMAIN`, consumer OneDrive `…/picker`.
 */
export function microsoftPickerUrl(integrationType: string, account: PickerAccount): string {
  if (integrationType === 'sharepoint') return `${sharePointSite(account)}/_layouts/15/FilePicker.aspx`;
  const domain = httpsBase(account.domain ?? 'https://onedrive.live.com');
  return domain.includes('onedrive.live.com') ? `${domain}/picker` : `${domain}/_layouts/15/FilePicker.aspx`;
}

type DriveItem = Record<string, unknown> & { file?: { mimeType?: unknown }; folder?: unknown };

/**
 * OneDrive and SharePoint: Microsoft's File Picker v8 is a page, not a script. open() opens a popup
 * named `Picker` and form-POSTs the token to `<picker URL>?filePicker=<JSON options>`; the page sends
 * `initialize` with a MessagePort, answered with `activate`; then every `command` is acknowledged
 * and answered with a `result`: `authenticate` (the token), `pick` (the items), `close`.
 */
export const microsoftPicker: PickerAdapter = {
  required: undefined,
  token: true,
  async prepare(win, settings, config, account) {
    const { integrationType: type, folders } = settings;
    const filters = extensionsFor(type, settings.allowedTypes, {
      image: 'photo',
      video: 'video',
      audio: 'audio',
    });
    const pickerUrl = config.scriptUrl ?? microsoftPickerUrl(type, account);
    const entry =
      type === 'sharepoint'
        ? { sharePoint: { byPath: { list: `${sharePointSite(account)}/Shared Documents` } } }
        : { oneDrive: { files: {} } };
    let popup: Window | null = null;
    return {
      get instance() {
        return popup;
      },
      open(events) {
        popup = win.open('', 'Picker', 'width=1080,height=680');
        if (!popup)
          throw new Error('The browser blocked the picker window: call open() from a click handler.');
        const picker = popup;
        const channelId = `switchboard-${Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(36)).join('')}`;
        const options = {
          sdk: '8.0',
          entry,
          // Present, so that the page asks this host for tokens and returns item details.
          authentication: {},
          messaging: { origin: win.location.origin, channelId },
          typesAndSources: {
            mode: folders ? 'all' : 'files',
            ...(filters.length > 0 ? { filters: folders ? [...filters, 'folder'] : filters } : {}),
          },
          selection: { mode: settings.multiple ? 'multiple' : 'single' },
        };
        const action = new URL(pickerUrl);
        action.searchParams.set('filePicker', JSON.stringify(options));
        const document = picker.document;
        const form = document.createElement('form');
        form.method = 'POST';
        form.action = action.href;
        const input = document.createElement('input');
        input.type = 'hidden';
        input.name = 'access_token';
        input.value = account.accessToken;
        form.append(input);
        document.body.append(form);
        form.submit();

        let port: MessagePort | undefined;
        const finish = (items?: DriveItem[]) => {
          clearInterval(watch);
          win.removeEventListener('message', onInitialize);
          port?.close();
          picker.close();
          if (!items) return events.dismissed();
          events.picked(
            items.map((item) =>
              normalizeFile(item, {
                id: item.id,
                name: item.name,
                mimeType: item.file?.mimeType,
                size: item.size,
                url: item.webUrl,
                isFolder: item.folder !== undefined,
              }),
            ),
          );
        };
        const onCommand = ({ data }: MessageEvent) => {
          if (data?.type !== 'command' || !port) return;
          const { id } = data;
          const command = data.data ?? {};
          const reply = (result: Record<string, unknown>) =>
            port?.postMessage({ type: 'result', id, data: result });
          port.postMessage({ type: 'acknowledge', id });
          if (command.command === 'authenticate') reply({ result: 'token', token: account.accessToken });
          else if (command.command === 'pick') {
            reply({ result: 'success' });
            finish(Array.isArray(command.items) ? command.items : []);
          } else if (command.command === 'close') {
            reply({ result: 'success' });
            finish();
          } else reply({ result: 'error', error: { code: 'unsupportedCommand', message: command.command } });
        };
        // The page sends `initialize` on load and again whenever it reloads.
        const onInitialize = (event: MessageEvent) => {
          if (
            event.source !== picker ||
            event.data?.type !== 'initialize' ||
            event.data.channelId !== channelId
          )
            return;
          port?.close();
          port = event.ports[0];
          if (!port) return;
          port.onmessage = onCommand;
          port.postMessage({ type: 'activate' });
          events.opened();
        };
        win.addEventListener('message', onInitialize);
        // Closing the window by hand sends no command.
        const watch = setInterval(() => picker.closed && finish(), 500);
      },
    };
  },
};
