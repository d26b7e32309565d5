import { randomBytes, randomUUID } from 'node:crypto';
import type {
  ConnectClient,
  ExternalFilePicker,
  FilePickerInitConfig,
  FilePickerOptions,
} from '@switchboard/connect';
import { type CredentialInsert, insertCredential, upsertConnectedUser } from '@switchboard/db';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { sealCredentialSecrets } from '../connect/credentialSecrets';
import { chromiumAvailable, launchChromium } from '../testing/launchChromium';
import { startPickerStandIns } from '../testing/pickerStandIns/startPickerStandIns';
import { startAppOrigin } from '../testing/startAppOrigin';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';

/**
 * `paragon.ExternalFilePicker` in Chromium, from the SDK's script-tag build on an app origin, against
 * a real Switchboard (the token comes from GET /sdk/credentials?includeAccountAuth=true) and
 * stand-ins for the providers' picker scripts and Microsoft's picker page on a third origin.
 * Build first: `node scripts/build.mjs`.
 */

type PickerType = 'googledrive' | 'box' | 'dropbox' | 'onedrive' | 'sharepoint';
const pickerTypes: PickerType[] = ['googledrive', 'box', 'dropbox', 'onedrive', 'sharepoint'];

/** What the app page and the stand-ins put on `window`. */
type PageGlobals = {
  paragon: ConnectClient;
  __events: unknown[][];
  __filePicker: ExternalFilePicker;
  __picker: Record<string, (...args: unknown[]) => unknown>;
  __pickerLog: Array<Record<string, unknown>>;
};

/**
 * A VALID account of `type` for the Connected User `externalId`, stored as the connect flow stores it
 * (tokens sealed with the server's keyring). Returns the stored access token.
 */
async function storeAccount(
  server: TestServer,
  account: {
    projectId: string;
    externalId: string;
    type: string;
    providerData?: CredentialInsert['providerData'];
  },
): Promise<string> {
  const accessToken = `${account.type}-access-${randomBytes(6).toString('hex')}`;
  const integration = await server.db
    .selectFrom('integrations')
    .select('id')
    .where('projectId', '=', account.projectId)
    .where('type', '=', account.type)
    .executeTakeFirstOrThrow();
  const user = await upsertConnectedUser(server.db, {
    id: randomUUID(),
    projectId: account.projectId,
    externalId: account.externalId,
  });
  await insertCredential(server.db, {
    id: randomUUID(),
    projectId: account.projectId,
    integrationId: integration.id,
    connectedUserId: user.id,
    status: 'VALID',
    providerId: `${account.type}-account`,
    providerData: account.providerData ?? {},
    sealedSecrets: sealCredentialSecrets(server.keyring, {
      kind: 'oauth2',
      accessToken,
      refreshToken: `${account.type}-refresh`,
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      extraTokens: {},
    }),
    defaultConfiguration: { id: randomUUID() },
  });
  return accessToken;
}

const appPage = (serverUrl: string) => `<!doctype html><html><head><meta charset="utf-8"><title>App</title>
<script src="${serverUrl}/sdk/switchboard.global.js"></script></head>
<body><button id="open">Pick a file</button></body></html>`;

describe.runIf(chromiumAvailable)('ExternalFilePicker in Chromium', () => {
  let server: TestServer;
  let project: TestProject;
  let standIns: Awaited<ReturnType<typeof startPickerStandIns>>;
  let app: Awaited<ReturnType<typeof startAppOrigin>>;
  let browser: Browser;
  let userToken: string;
  /** The access token stored (sealed) for the user's account of each type. */
  const storedTokens = {} as Record<PickerType, string>;
  const siteUrl = 'https://contoso.sharepoint.com/sites/dev';

  beforeAll(async () => {
    server = await startTestServer();
    standIns = await startPickerStandIns();
    browser = await launchChromium();
    app = await startAppOrigin({ '/': { type: 'text/html; charset=utf-8', body: appPage(server.url) } });
    project = await server.createProject('Pickers');
    await project.enable(...pickerTypes);
    for (const type of pickerTypes) {
      storedTokens[type] = await storeAccount(server, {
        projectId: project.projectId,
        externalId: 'picker-user',
        type,
        ...(type === 'sharepoint' ? { providerData: { webUrl: siteUrl } } : {}),
        ...(type === 'onedrive'
          ? { providerData: { driveWebUrl: 'https://contoso-my.sharepoint.com/personal/ada/Documents' } }
          : {}),
      });
    }
    userToken = await project.token('picker-user');
  });
  /** Uncaught errors of every page: none expected. */
  const pageErrors: string[] = [];
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await standIns?.close();
    await server?.close();
  });

  /** The app page, signed in. */
  async function openApp(token = userToken): Promise<Page> {
    const page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${app.url}/`);
    await page.evaluate(
      async ({ host, projectId, token }) => {
        const w = window as unknown as PageGlobals;
        w.paragon.configureGlobal({ host });
        await w.paragon.authenticate(projectId, token);
      },
      { host: server.url, projectId: project.projectId, token },
    );
    return page;
  }

  /** A picker whose callbacks record into `__events`; the page's button opens it. */
  async function createPicker(
    page: Page,
    type: string,
    options: Omit<FilePickerOptions, `on${string}`> = {},
  ) {
    await page.evaluate(
      ({ type, options }) => {
        const w = window as unknown as PageGlobals;
        w.__events = [];
        const record =
          (name: string) =>
          (...args: unknown[]) => {
            w.__events.push([name, ...args]);
          };
        w.__filePicker = new w.paragon.ExternalFilePicker(type, {
          ...options,
          onOpen: record('onOpen'),
          onClose: record('onClose'),
          onCancel: record('onCancel'),
          onFileSelect: record('onFileSelect'),
        });
        (document.getElementById('open') as HTMLButtonElement).onclick = () => {
          try {
            w.__filePicker.open();
          } catch (error) {
            w.__events.push(['open() threw', (error as Error).message]);
          }
        };
      },
      { type, options },
    );
  }

  const init = (page: Page, config: FilePickerInitConfig) =>
    page.evaluate(async (config) => {
      try {
        return await (window as unknown as PageGlobals).__filePicker.init(config);
      } catch (error) {
        return `rejected: ${(error as Error).message}`;
      }
    }, config);
  const events = (page: Page) => page.evaluate(() => (window as unknown as PageGlobals).__events);
  const pickerLog = (page: Page) => page.evaluate(() => (window as unknown as PageGlobals).__pickerLog);
  /** Acts as the user in the provider's picker (the stand-in's test hook). */
  const act = (page: Page, action: string, ...args: unknown[]) =>
    page.evaluate(({ action, args }) => (window as unknown as PageGlobals).__picker[action]?.(...args), {
      action,
      args,
    });

  test('Google Drive: api.js once, gapi.load("picker"), token and keys in the PickerBuilder, options as DocsView settings and features', async () => {
    const page = await openApp();
    await createPicker(page, 'googledrive', {
      allowedTypes: ['application/pdf', 'image/*'],
      allowMultiSelect: true,
      allowFolderSelect: true,
    });
    const before = standIns.count('/google/js/api.js');
    const config = {
      developerKey: 'AIza-test-key',
      appId: '1234567890',
      scriptUrl: standIns.scriptUrls.googledrive,
    };
    expect(await init(page, config)).toBe(true);
    expect(await init(page, config)).toBe(true);
    expect(standIns.count('/google/js/api.js')).toBe(before + 1);
    expect(await page.locator(`script[src="${config.scriptUrl}"]`).count()).toBe(1);
    expect(
      await page.evaluate(() => (window as unknown as PageGlobals).__filePicker.getInstance() !== null),
    ).toBe(true);

    await page.click('#open');
    const log = await pickerLog(page);
    expect(log).toContainEqual({ event: 'gapi.load', name: 'picker' });
    expect(log.find((entry) => entry.event === 'setVisible')).toEqual({
      event: 'setVisible',
      config: {
        views: [
          {
            viewId: 'all',
            includeFolders: true,
            selectFolderEnabled: true,
            mimeTypes:
              'application/pdf,image/jpeg,image/png,image/gif,image/webp,image/svg+xml,application/vnd.google-apps.folder',
          },
        ],
        features: ['multiselectEnabled'],
        oauthToken: storedTokens.googledrive,
        developerKey: 'AIza-test-key',
        appId: '1234567890',
      },
    });
    expect(await events(page)).toEqual([['onOpen']]);

    const doc = {
      id: '1AbC',
      name: 'Q3 report.pdf',
      mimeType: 'application/pdf',
      sizeBytes: 5120,
      url: 'https://drive.google.com/file/d/1AbC/view',
      type: 'document',
    };
    const folder = {
      id: '9FoL',
      name: 'Invoices',
      mimeType: 'application/vnd.google-apps.folder',
      url: 'https://drive.google.com/drive/folders/9FoL',
    };
    await act(page, 'pick', [doc, folder]);
    expect(await events(page)).toEqual([
      ['onOpen'],
      [
        'onFileSelect',
        [
          {
            id: '1AbC',
            name: 'Q3 report.pdf',
            mimeType: 'application/pdf',
            size: 5120,
            url: doc.url,
            isFolder: false,
            original: doc,
          },
          {
            id: '9FoL',
            name: 'Invoices',
            mimeType: 'application/vnd.google-apps.folder',
            size: null,
            url: folder.url,
            isFolder: true,
            original: folder,
          },
        ],
      ],
      ['onClose'],
    ]);
    expect((await pickerLog(page)).filter((entry) => entry.event === 'dispose')).toHaveLength(1);

    // Defaults: one file, no filter, no folders. Cancel ends with onCancel, then onClose.
    await createPicker(page, 'googledrive');
    expect(await init(page, config)).toBe(true);
    expect(standIns.count('/google/js/api.js')).toBe(before + 1);
    await page.click('#open');
    expect((await pickerLog(page)).filter((entry) => entry.event === 'setVisible').at(-1)?.config).toEqual({
      views: [{ viewId: 'all' }],
      features: [],
      oauthToken: storedTokens.googledrive,
      developerKey: 'AIza-test-key',
      appId: '1234567890',
    });
    await act(page, 'cancel');
    expect(await events(page)).toEqual([['onOpen'], ['onCancel'], ['onClose']]);
    await page.close();
  });

  test('Box: picker.js and picker.css once, FilePicker.show(folderId, token, options) in a container over the page; choose, cancel, close', async () => {
    const page = await openApp();
    await createPicker(page, 'box', { allowedTypes: ['application/pdf', '.DOCX'], allowFolderSelect: true });
    const js = '/box/en-US/picker.js';
    const css = '/box/en-US/picker.css';
    const before = [standIns.count(js), standIns.count(css)];
    const config = { folderId: '0', scriptUrl: standIns.scriptUrls.box };
    expect(await init(page, config)).toBe(true);
    expect(await init(page, config)).toBe(true);
    expect([standIns.count(js), standIns.count(css)]).toEqual([before[0]! + 1, before[1]! + 1]);
    expect(await page.locator(`link[rel="stylesheet"][href="${standIns.url}${css}"]`).count()).toBe(1);

    await page.click('#open');
    expect((await pickerLog(page)).find((entry) => entry.event === 'show')).toEqual({
      event: 'show',
      kind: 'FilePicker',
      folderId: '0',
      token: storedTokens.box,
      options: { maxSelectable: 1, extensions: ['pdf', 'docx'], type: 'file,web_link,folder' },
      containerInPage: true,
    });
    await expect(page.locator('[data-testid="box-content-picker"]').isVisible()).resolves.toBe(true);
    expect(await events(page)).toEqual([['onOpen']]);

    const file = {
      type: 'file',
      id: '1101',
      name: 'Contract.docx',
      size: 2048,
      extension: 'docx',
      shared_link: null,
    };
    const folder = { type: 'folder', id: '2202', name: 'Legal', size: 0 };
    await act(page, 'choose', [file, folder]);
    expect(await events(page)).toEqual([
      ['onOpen'],
      [
        'onFileSelect',
        [
          {
            id: '1101',
            name: 'Contract.docx',
            mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
            size: 2048,
            url: 'https://app.box.com/file/1101',
            isFolder: false,
            original: file,
          },
          {
            id: '2202',
            name: 'Legal',
            mimeType: null,
            size: 0,
            url: 'https://app.box.com/folder/2202',
            isFolder: true,
            original: folder,
          },
        ],
      ],
      ['onClose'],
    ]);
    expect(await page.locator('[data-testid="box-content-picker"]').count()).toBe(0);

    // Multiselect and files only: no maxSelectable, no type. Cancel, then Box's close.
    await createPicker(page, 'box', { allowMultiSelect: true });
    expect(await init(page, config)).toBe(true);
    expect(standIns.count(js)).toBe(before[0]! + 1);
    await page.click('#open');
    expect((await pickerLog(page)).filter((entry) => entry.event === 'show').at(-1)?.options).toEqual({});
    await act(page, 'cancel');
    await page.click('#open');
    await act(page, 'close');
    expect(await events(page)).toEqual([
      ['onOpen'],
      ['onCancel'],
      ['onClose'],
      ['onOpen'],
      ['onCancel'],
      ['onClose'],
    ]);
    expect(await page.locator('[data-testid="box-content-picker"]').count()).toBe(0);
    await page.close();
  });

  test('Dropbox: dropins.js once with id="dropboxjs" and data-app-key; Dropbox.choose options; success and cancel', async () => {
    const page = await openApp();
    await createPicker(page, 'dropbox', {
      allowedTypes: ['image/*', 'application/pdf'],
      allowMultiSelect: true,
      allowFolderSelect: true,
    });
    const path = '/dropbox/static/api/2/dropins.js';
    const before = standIns.count(path);
    const config = { appKey: 'db-app-key', scriptUrl: standIns.scriptUrls.dropbox };
    expect(await init(page, config)).toBe(true);
    expect(await init(page, config)).toBe(true);
    expect(standIns.count(path)).toBe(before + 1);
    expect(
      await page.locator(`script#dropboxjs[src="${config.scriptUrl}"][data-app-key="db-app-key"]`).count(),
    ).toBe(1);

    await page.click('#open');
    const log = await pickerLog(page);
    // The Chooser signs the user in to Dropbox itself: it takes the app key, no token.
    expect(log).toContainEqual({ event: 'dropins.js', appKeyFromScriptTag: 'db-app-key' });
    expect(log.find((entry) => entry.event === 'choose')).toEqual({
      event: 'choose',
      appKey: 'db-app-key',
      options: { linkType: 'preview', multiselect: true, folderselect: true, extensions: ['images', '.pdf'] },
    });
    const file = {
      id: 'id:a1b2',
      name: 'beach.png',
      link: 'https://www.dropbox.com/s/a1b2/beach.png?dl=0',
      bytes: 1000,
      icon: 'https://www.dropbox.com/static/images/icons64/page_white_picture.png',
      isDir: false,
    };
    await act(page, 'choose', [file]);
    await page.click('#open');
    await act(page, 'cancel');
    expect(await events(page)).toEqual([
      ['onOpen'],
      [
        'onFileSelect',
        [
          {
            id: 'id:a1b2',
            name: 'beach.png',
            mimeType: 'image/png',
            size: 1000,
            url: file.link,
            isFolder: false,
            original: file,
          },
        ],
      ],
      ['onClose'],
      ['onOpen'],
      ['onCancel'],
      ['onClose'],
    ]);
    await page.close();
  });

  test('OneDrive: a popup named Picker gets the form POST (token, filePicker options); initialize/activate, authenticate, pick, close', async () => {
    const page = await openApp();
    await createPicker(page, 'onedrive', {
      allowedTypes: ['application/pdf', 'image/*'],
      allowMultiSelect: true,
    });
    expect(await init(page, { scriptUrl: standIns.scriptUrls.onedrive })).toBe(true);
    expect(
      await page.evaluate(() => (window as unknown as PageGlobals).__filePicker.getInstance()),
    ).toBeNull();

    const popupOpened = page.waitForEvent('popup');
    await page.click('#open');
    const popup = await popupOpened;
    await popup.waitForFunction(() =>
      (window as unknown as PageGlobals).__pickerLog?.some((message) => message.type === 'activate'),
    );
    expect(await popup.evaluate(() => window.name)).toBe('Picker');
    const post = standIns.requests.filter((r) => r.method === 'POST' && r.path === '/onedrive/picker').at(-1);
    expect(post?.form).toEqual({ access_token: storedTokens.onedrive });
    expect(JSON.parse(post?.query.filePicker ?? '')).toEqual({
      sdk: '8.0',
      entry: { oneDrive: { files: {} } },
      authentication: {},
      messaging: { origin: app.url, channelId: expect.stringMatching(/^switchboard-[a-z0-9]+$/) },
      typesAndSources: { mode: 'files', filters: ['.pdf', 'photo'] },
      selection: { mode: 'multiple' },
    });
    expect(await events(page)).toEqual([['onOpen']]);
    expect(
      await page.evaluate(() => (window as unknown as PageGlobals).__filePicker.getInstance() !== null),
    ).toBe(true);

    // Commands are acknowledged and answered: the token on request, an error for unknown commands.
    expect(await act(popup, 'authenticate')).toEqual({ result: 'token', token: storedTokens.onedrive });
    expect(await act(popup, 'send', { command: 'navigate' })).toEqual({
      result: 'error',
      error: { code: 'unsupportedCommand', message: 'navigate' },
    });
    expect((await pickerLog(popup)).filter((message) => message.type === 'acknowledge')).toEqual([
      { type: 'acknowledge', id: 'command-1' },
      { type: 'acknowledge', id: 'command-2' },
    ]);

    const item = {
      id: '01BYE5RZ',
      name: 'Budget.xlsx',
      size: 4096,
      webUrl: 'https://contoso-my.sharepoint.com/personal/ada/Documents/Budget.xlsx',
      file: { mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
      parentReference: { driveId: 'b!xyz' },
      '@sharePoint.endpoint': 'https://contoso-my.sharepoint.com/_api/v2.0',
    };
    const closed = popup.waitForEvent('close');
    await popup.evaluate(
      (items) => {
        void (window as unknown as PageGlobals).__picker.pick?.(items);
      },
      [item],
    );
    await closed;
    expect(await events(page)).toEqual([
      ['onOpen'],
      [
        'onFileSelect',
        [
          {
            id: '01BYE5RZ',
            name: 'Budget.xlsx',
            mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            size: 4096,
            url: item.webUrl,
            isFolder: false,
            original: item,
          },
        ],
      ],
      ['onClose'],
    ]);

    // The picker's close command, then the user closing the window by hand: both are a cancel.
    for (const close of [
      (popup: Page) => popup.evaluate(() => void (window as unknown as PageGlobals).__picker.close?.()),
      (popup: Page) => popup.close(),
    ]) {
      await page.evaluate(() => {
        (window as unknown as PageGlobals).__events = [];
      });
      const next = page.waitForEvent('popup');
      await page.click('#open');
      const pickerWindow = await next;
      await pickerWindow.waitForFunction(() =>
        (window as unknown as PageGlobals).__pickerLog?.some((message) => message.type === 'activate'),
      );
      const gone = pickerWindow.waitForEvent('close');
      await close(pickerWindow);
      await gone;
      await page.waitForFunction(() => (window as unknown as PageGlobals).__events.length === 3);
      expect(await events(page)).toEqual([['onOpen'], ['onCancel'], ['onClose']]);
    }
    await page.close();
  });

  test("SharePoint: the site's document library as the entry, folders and extensions as typesAndSources", async () => {
    const page = await openApp();
    await createPicker(page, 'sharepoint', { allowedTypes: ['.docx'], allowFolderSelect: true });
    expect(await init(page, { scriptUrl: standIns.scriptUrls.sharepoint })).toBe(true);
    const popupOpened = page.waitForEvent('popup');
    await page.click('#open');
    const popup = await popupOpened;
    await popup.waitForFunction(() =>
      (window as unknown as PageGlobals).__pickerLog?.some((message) => message.type === 'activate'),
    );
    const post = standIns.requests
      .filter((r) => r.method === 'POST' && r.path === '/sites/dev/_layouts/15/FilePicker.aspx')
      .at(-1);
    expect(post?.form).toEqual({ access_token: storedTokens.sharepoint });
    expect(JSON.parse(post?.query.filePicker ?? '')).toMatchObject({
      sdk: '8.0',
      entry: { sharePoint: { byPath: { list: `${siteUrl}/Shared Documents` } } },
      typesAndSources: { mode: 'all', filters: ['.docx', 'folder'] },
      selection: { mode: 'single' },
    });
    const closed = popup.waitForEvent('close');
    await popup.evaluate(() => {
      void (window as unknown as PageGlobals).__picker.pick?.([
        { id: 'F1', name: 'Specs', folder: { childCount: 3 }, webUrl: `${location.origin}/Specs` },
      ]);
    });
    await closed;
    const selected = (await events(page))[1]?.[1] as Array<Record<string, unknown>>;
    expect(selected.map(({ id, isFolder, mimeType }) => ({ id, isFolder, mimeType }))).toEqual([
      { id: 'F1', isFolder: true, mimeType: null },
    ]);
    await page.close();
  });

  test('a user without a connected account gets a clear error and no provider script is loaded', async () => {
    const page = await openApp(await project.token('nobody-connected'));
    const requestsBefore = standIns.requests.length;
    const configs: Record<PickerType, FilePickerInitConfig> = {
      googledrive: { developerKey: 'AIza-test-key', scriptUrl: standIns.scriptUrls.googledrive },
      box: { folderId: '0', scriptUrl: standIns.scriptUrls.box },
      dropbox: { appKey: 'db-app-key', scriptUrl: standIns.scriptUrls.dropbox },
      onedrive: { scriptUrl: standIns.scriptUrls.onedrive },
      sharepoint: { scriptUrl: standIns.scriptUrls.sharepoint },
    };
    for (const type of pickerTypes) {
      await createPicker(page, type);
      expect(await init(page, configs[type])).toBe(
        `rejected: Cannot open ${type}'s file picker: ${type} is not connected for this user; connect it first (paragon.connect("${type}")).`,
      );
    }
    expect(standIns.requests.length).toBe(requestsBefore);
    await page.close();
  });

  test('open() before init() has resolved, missing required options and unsupported types are clear errors', async () => {
    const page = await openApp();
    for (const type of pickerTypes) {
      await createPicker(page, type);
      await page.click('#open');
      expect(await events(page)).toEqual([
        ['open() threw', `The ${type} file picker is not ready: await picker.init() before using it.`],
      ]);
    }
    await createPicker(page, 'googledrive');
    expect(await init(page, { scriptUrl: standIns.scriptUrls.googledrive })).toBe(
      'rejected: Please provide a valid developer key',
    );
    await createPicker(page, 'box');
    expect(await init(page, { scriptUrl: standIns.scriptUrls.box })).toBe(
      'rejected: Please provide a valid Folder ID',
    );
    await createPicker(page, 'dropbox');
    expect(await init(page, {})).toBe('rejected: Please provide a valid app key');
    expect(
      await page.evaluate(() => {
        try {
          new (window as unknown as PageGlobals).paragon.ExternalFilePicker('salesforce');
          return 'constructed';
        } catch (error) {
          return (error as Error).message;
        }
      }),
    ).toBe("salesforce's file picker is not supported");
    await page.close();
  });
});

describe.runIf(chromiumAvailable)('the demo page’s "Pick a file"', () => {
  let server: TestServer;
  let standIns: Awaited<ReturnType<typeof startPickerStandIns>>;
  let browser: Browser;
  let driveToken: string;

  beforeAll(async () => {
    server = await startTestServer({ development: true });
    standIns = await startPickerStandIns();
    browser = await launchChromium();
    const session = await call(server, 'GET', '/demo/session');
    driveToken = await storeAccount(server, {
      projectId: session.body.projectId,
      externalId: session.body.userId,
      type: 'googledrive',
    });
  });
  afterAll(async () => {
    await browser?.close();
    await standIns?.close();
    await server?.close();
  });

  test('shows the button for connected file integrations only; a missing key is explained; a pick is listed', async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Google's own api.js cannot be fetched here: the page gets the stand-in in its place.
    const standIn = await (await fetch(standIns.scriptUrls.googledrive)).text();
    await page.route('https://apis.google.com/js/api.js', (route) =>
      route.fulfill({ contentType: 'text/javascript', body: standIn }),
    );
    await page.goto(`${server.url}/demo/`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 20_000 });
    expect(
      await page
        .locator('[data-testid^="pick-"]')
        .evaluateAll((buttons) => buttons.map((b) => b.dataset.testid)),
    ).toEqual(['pick-googledrive']);

    await page.click('[data-testid="pick-googledrive"]');
    await page.waitForSelector('body[data-state="error"]');
    expect(await page.textContent('[data-testid="status"]')).toBe(
      'Could not load the Google Drive picker: Please provide a valid developer key (enter the Google developer key under “Pick a file”)',
    );

    await page.fill('#picker-developer-key', 'AIza-demo-key');
    await page.click('[data-testid="pick-googledrive"]');
    await page.waitForFunction(() => (window as unknown as PageGlobals).__picker?.isVisible?.() === true);
    const shown = (await page.evaluate(() => (window as unknown as PageGlobals).__pickerLog)).find(
      (entry) => entry.event === 'setVisible',
    );
    expect(shown?.config).toMatchObject({ oauthToken: driveToken, developerKey: 'AIza-demo-key' });
    await page.evaluate(() =>
      (window as unknown as PageGlobals).__picker.pick?.([
        {
          id: '1AbC',
          name: 'Q3 report.pdf',
          mimeType: 'application/pdf',
          sizeBytes: 5120,
          url: 'https://drive.google.com/file/d/1AbC/view',
        },
      ]),
    );
    await page.waitForSelector('[data-testid="picked-file"]');
    expect(await page.textContent('[data-testid="picked-file"]')).toBe(
      'Q3 report.pdfGoogle Drive · application/pdf · 5.0 KB',
    );
    expect(await page.getAttribute('[data-testid="picked-file"] a', 'href')).toBe(
      'https://drive.google.com/file/d/1AbC/view',
    );
    expect(await page.textContent('[data-testid="status"]')).toBe('Picked 1 item from Google Drive.');
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
