// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type ConnectClient, createConnectClient } from '../connectClient';
import { type FakeSwitchboard, startFakeSwitchboard } from '../fakeSwitchboardServer';
import { futureExp, makeIntegrations, makeMeResponse, makeUserToken, projectId } from '../wireFixtures';
import { ExternalFilePicker } from './externalFilePicker';

const token = makeUserToken({ sub: 'user-1', exp: futureExp() });
let server: FakeSwitchboard;
let client: ConnectClient;
let logged: unknown[][];

beforeEach(async () => {
  server = await startFakeSwitchboard({
    projectId,
    users: new Map([[token, makeMeResponse('user-1')]]),
    integrations: makeIntegrations(),
  });
  logged = [];
  client = createConnectClient({
    fetch: (url, init) => fetch(url, init),
    window,
    logger: { warn: (...args) => logged.push(args), error: (...args) => logged.push(args) },
  });
  client.configureGlobal({ host: server.url });
  await client.authenticate(projectId, token);
});
afterEach(() => server.close());

const credentialsRequests = () =>
  server.requests.filter((request) => request.url.includes('/sdk/credentials'));

describe('new paragon.ExternalFilePicker(type, options)', () => {
  test('is bound to the client, callable with or without new', () => {
    const { ExternalFilePicker: Bound } = client;
    const picker = new Bound('googledrive');
    expect(picker).toBeInstanceOf(ExternalFilePicker);
    expect(picker).toBeInstanceOf(client.ExternalFilePicker);
    expect(Bound('box').integrationType).toBe('box');
  });

  test('refuses a signed-out client, a missing or unsupported type, and malformed allowedTypes', () => {
    const signedOut = createConnectClient({ fetch, window });
    expect(() => new signedOut.ExternalFilePicker('googledrive')).toThrow('User not authenticated');
    expect(() => new client.ExternalFilePicker('')).toThrow('Missing argument: Integration type is required');
    expect(() => new client.ExternalFilePicker('salesforce')).toThrow(
      "salesforce's file picker is not supported",
    );
    expect(() => new client.ExternalFilePicker('toString')).toThrow(
      "toString's file picker is not supported",
    );
    expect(
      () => new client.ExternalFilePicker('box', { allowedTypes: 'application/pdf' as unknown as string[] }),
    ).toThrow('allowedTypes must be an array of MIME types');
  });

  test('open() and getInstance() before init() has resolved are clear errors', () => {
    const picker = new client.ExternalFilePicker('onedrive');
    expect(() => picker.open()).toThrow(
      'The onedrive file picker is not ready: await picker.init() before using it.',
    );
    expect(() => picker.getInstance()).toThrow('not ready');
  });

  test.each([
    ['googledrive', {}, 'Please provide a valid developer key'],
    ['box', {}, 'Please provide a valid Folder ID'],
    ['dropbox', {}, 'Please provide a valid app key'],
  ])('%s: init() without its required option rejects before any request', async (type, config, message) => {
    await expect(new client.ExternalFilePicker(type).init(config)).rejects.toThrow(message);
    expect(credentialsRequests()).toEqual([]);
  });

  test('init() asks for the selected credential with its token; a user without one gets a clear error', async () => {
    server.failNext('GET', /^\/credentials$/, {
      status: 404,
      body: {
        code: 'INTEGRATION_NOT_INSTALLED',
        status: 404,
        message: 'box is not connected for this user; connect it first (paragon.connect("box")).',
      },
    });
    await expect(
      new client.ExternalFilePicker('box').init({ folderId: '0', selectedCredentialId: 'cred-1' }),
    ).rejects.toThrow(
      `Cannot open box's file picker: box is not connected for this user; connect it first (paragon.connect("box")).`,
    );
    const [request] = credentialsRequests();
    expect(request?.url).toBe(
      `/projects/${projectId}/sdk/credentials?integration=box&includeAccountAuth=true`,
    );
    expect(request?.headers['x-paragon-credential']).toBe('cred-1');
  });

  test('Dropbox does not fetch the token: its Chooser takes an app key', async () => {
    server.failNext('GET', /^\/credentials$/, {
      status: 404,
      body: { message: 'nope', code: 'X', status: 404 },
    });
    await expect(new client.ExternalFilePicker('dropbox').init({ appKey: 'k' })).rejects.toThrow('nope');
    expect(credentialsRequests()[0]?.url).toContain('includeAccountAuth=false');
  });

  test('an answer without an access token, or an account that is not VALID, is refused', async () => {
    server.failNext('GET', /^\/credentials$/, { status: 200, body: { status: 'VALID', accountAuth: {} } });
    await expect(new client.ExternalFilePicker('onedrive').init()).rejects.toThrow(
      "Switchboard returned no access token for the user's onedrive account.",
    );
    server.failNext('GET', /^\/credentials$/, {
      status: 200,
      body: { status: 'INVALID', accountAuth: { OAUTH_ACCESS_TOKEN: 't' } },
    });
    await expect(new client.ExternalFilePicker('onedrive').init()).rejects.toThrow(
      "The user's onedrive account needs to be reconnected (its status is INVALID).",
    );
  });

  test('an allowedTypes entry the provider cannot filter by rejects init()', async () => {
    server.failNext('GET', /^\/credentials$/, {
      status: 200,
      body: { status: 'VALID', accountAuth: { OAUTH_ACCESS_TOKEN: 't' } },
    });
    await expect(
      new client.ExternalFilePicker('onedrive', { allowedTypes: ['application/x-unknown'] }).init(),
    ).rejects.toThrow(`onedrive's file picker cannot filter by "application/x-unknown"`);
  });

  test('OneDrive is ready without a script; getInstance() is the picker window, null until opened', async () => {
    server.failNext('GET', /^\/credentials$/, {
      status: 200,
      body: { status: 'VALID', accountAuth: { OAUTH_ACCESS_TOKEN: 't' } },
    });
    const picker = new client.ExternalFilePicker('onedrive');
    await expect(picker.init()).resolves.toBe(true);
    expect(picker.getInstance()).toBeNull();
  });
});
