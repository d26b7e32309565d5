import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';

/** One request the stand-in origin received. */
export interface StandInRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The urlencoded form body of a POST. */
  form: Record<string, string>;
}

const file = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');

const scripts: Record<string, { type: string; body: string }> = {
  '/google/js/api.js': { type: 'text/javascript', body: file('googleApi.js') },
  '/box/en-US/picker.js': { type: 'text/javascript', body: file('boxPicker.js') },
  '/box/en-US/picker.css': { type: 'text/css', body: file('boxPicker.css') },
  '/dropbox/static/api/2/dropins.js': { type: 'text/javascript', body: file('dropboxDropins.js') },
  '/microsoft/picker.js': { type: 'text/javascript', body: file('microsoftPicker.js') },
};

/** JSON inside a <script>: `<` escaped so that nothing in it can close the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => resolve(text));
  });

/**
 * The providers' side of the file pickers, on a local origin of its own: stand-ins for Google's
 * api.js, Box's picker.js/.css, Dropbox's dropins.js (see the .js files beside this one), and the
 * Microsoft File Picker v8 page, which accepts the form POST at `…/picker` (OneDrive consumer) or
 * `…/_layouts/15/FilePicker.aspx` (SharePoint, OneDrive for Business). Every request is recorded.
 */
export async function startPickerStandIns() {
  const requests: StandInRequest[] = [];
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const body = await readBody(request);
    const record: StandInRequest = {
      method: request.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      form: request.method === 'POST' ? Object.fromEntries(new URLSearchParams(body)) : {},
    };
    requests.push(record);
    const script = request.method === 'GET' ? scripts[url.pathname] : undefined;
    if (script) {
      response.writeHead(200, { 'content-type': script.type, 'cache-control': 'no-store' }).end(script.body);
      return;
    }
    const isPickerPage = /\/picker$|\/_layouts\/15\/FilePicker\.aspx$/.test(url.pathname);
    if (request.method === 'POST' && isPickerPage) {
      let filePicker: unknown;
      try {
        filePicker = JSON.parse(record.query.filePicker ?? '');
      } catch {
        response.writeHead(400, { 'content-type': 'text/plain' }).end('filePicker is not JSON');
        return;
      }
      const pickerRequest = { accessToken: record.form.access_token ?? null, filePicker };
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        .end(
          `<!doctype html><title>Microsoft File Picker (stand-in)</title>
<p data-testid="microsoft-picker">Microsoft File Picker</p>
<script>window.__pickerRequest = ${scriptJson(pickerRequest)};</script>
<script src="/microsoft/picker.js"></script>`,
        );
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    requests,
    /** `init({ scriptUrl })` for each picker type. */
    scriptUrls: {
      googledrive: `${url}/google/js/api.js`,
      box: `${url}/box/en-US/picker.js`,
      dropbox: `${url}/dropbox/static/api/2/dropins.js`,
      onedrive: `${url}/onedrive/picker`,
      sharepoint: `${url}/sites/dev/_layouts/15/FilePicker.aspx`,
    },
    /** How many times `path` was requested. */
    count: (path: string) => requests.filter((r) => r.path === path).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
