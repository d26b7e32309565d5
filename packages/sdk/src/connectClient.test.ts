import type { MeResponse } from '@switchboard/contracts';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type ConnectClient, createConnectClient, UserNotAuthenticatedError } from './connectClient';
import { type FakeSwitchboard, type RecordedRequest, startFakeSwitchboard } from './fakeSwitchboardServer';
import type { IntegrationUninstallEvent } from './sdkEvents';
import {
  futureExp,
  ids,
  makeIntegrations,
  makeMeResponse,
  makeSalesforceState,
  makeUserToken,
  projectId,
} from './wireFixtures';

const sdkPath = `/projects/${projectId}/sdk`;
const token = makeUserToken({ sub: 'user-1', exp: futureExp(), iat: 1 });
const otherToken = makeUserToken({ sub: 'user-2', exp: futureExp() });

let server: FakeSwitchboard;
let users: Map<string, MeResponse>;
let client: ConnectClient;
let logged: unknown[][];

async function start(prefix?: string) {
  users = new Map([
    [token, makeMeResponse('user-1')],
    [otherToken, { ...makeMeResponse('user-2'), meta: {} }],
  ]);
  server = await startFakeSwitchboard({
    projectId,
    users,
    integrations: makeIntegrations(),
    ...(prefix ? { prefix } : {}),
  });
  logged = [];
  client = createConnectClient({
    fetch,
    logger: { warn: (...args) => logged.push(args), error: (...args) => logged.push(args) },
  });
  client.configureGlobal({ host: `${server.url}${prefix ?? ''}` });
}

async function signIn(options?: Parameters<ConnectClient['authenticate']>[2]) {
  await client.authenticate(projectId, token, options);
  server.requests.length = 0;
}

const summary = (request: RecordedRequest) => `${request.method} ${request.url}`;

beforeEach(() => start());
afterEach(() => server.close());

describe('authenticate', () => {
  test('loads /sdk/me and /sdk/integrations with the official headers, then getUser() shows the user', async () => {
    await client.authenticate(projectId, token);
    expect(server.requests.map(summary).sort()).toEqual([`GET ${sdkPath}/integrations`, `GET ${sdkPath}/me`]);
    for (const request of server.requests) {
      expect(request.headers).toMatchObject({
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'content-type': 'application/json',
        'x-paragon-sdk-version': '0.1.0',
      });
      expect(request.headers['x-paragon-credential']).toBeUndefined();
      expect(request.body).toBeUndefined();
    }
    const me = makeMeResponse('user-1');
    expect(client.getUser()).toEqual({
      authenticated: true,
      userId: 'user-1',
      integrations: me.integrations,
      meta: me.meta,
      resources: [],
    });
    expect(Object.keys(client.getUser())).toEqual([
      'authenticated',
      'userId',
      'integrations',
      'meta',
      'resources',
    ]);
    expect(JSON.stringify(client.getUser())).not.toContain(token);
  });

  test('both requests are in flight together', async () => {
    const release = server.hold();
    const pending = client.authenticate(projectId, token);
    await expect.poll(() => server.requests.length).toBe(2);
    release();
    await pending;
  });

  test('getUser() returns a copy', async () => {
    await signIn();
    const user = client.getUser();
    if (!user.authenticated) throw new Error('expected an authenticated user');
    user.meta.Name = 'changed';
    delete user.integrations.salesforce;
    expect(client.getUser()).toMatchObject({ meta: { Name: 'Ada Lovelace' } });
    expect(client.getUser()).toHaveProperty('integrations.salesforce');
  });

  test('metadata that would change the user is normalized and PATCHed', async () => {
    await client.authenticate(projectId, token, {
      metadata: { name: 'Ada Lovelace', email: 'ada@example.com' },
    });
    const patches = server.requests.filter((request) => request.method === 'PATCH');
    expect(patches.map(summary)).toEqual([`PATCH ${sdkPath}/me`]);
    expect(patches[0]?.body).toEqual({ meta: { Name: 'Ada Lovelace', Email: 'ada@example.com' } });
    expect(patches[0]?.headers.authorization).toBe(`Bearer ${token}`);
    expect(client.getUser()).toMatchObject({
      meta: { Name: 'Ada Lovelace', Email: 'ada@example.com', plan: 'pro' },
    });
  });

  test('metadata the user already has is not sent', async () => {
    await client.authenticate(projectId, token, { metadata: { NAME: 'Ada Lovelace', plan: 'pro' } });
    await client.authenticate(projectId, token, { metadata: {} });
    expect(server.requests.filter((request) => request.method === 'PATCH')).toEqual([]);
  });

  test('argument errors are thrown before any request', async () => {
    await expect(client.authenticate('', token)).rejects.toThrow(
      'projectId or token not specified to paragon.authenticate()',
    );
    await expect(client.authenticate(projectId, '')).rejects.toThrow(
      'projectId or token not specified to paragon.authenticate()',
    );
    await expect(client.authenticate(projectId, 'not-a-jwt')).rejects.toThrow(
      'A well-formed JWT was not provided to paragon.authenticate()',
    );
    const expired = makeUserToken({ sub: 'user-1', exp: Math.floor(Date.now() / 1000) - 10 });
    await expect(client.authenticate(projectId, expired)).rejects.toThrow(
      'Failed to authenticate user with Switchboard: JWT token provided has expired.',
    );
    expect(server.requests).toEqual([]);
  });

  test('a rejected token throws the server message and signs the previous user out', async () => {
    await signIn();
    const forged = makeUserToken({ sub: 'user-1', exp: futureExp(), forged: true });
    const failure = client.authenticate(projectId, forged);
    await expect(failure).rejects.toThrow(
      'Failed to authenticate user with Switchboard: The User Token signature does not verify.',
    );
    const error = await failure.catch((caught: unknown) => caught);
    expect((error as Error).cause).toMatchObject({ status: 401, code: 'AUTH_TOKEN_SIGNATURE' });
    expect(client.getUser()).toEqual({ authenticated: false });
  });

  test('a failing metadata PATCH fails authenticate', async () => {
    server.failNext('PATCH', /^\/me$/, {
      status: 400,
      body: { message: 'meta keys must be at most 200 characters', code: 'VALIDATION_FAILED', status: 400 },
    });
    await expect(client.authenticate(projectId, token, { metadata: { Email: 'x' } })).rejects.toThrow(
      'Failed to authenticate user with Switchboard: meta keys must be at most 200 characters',
    );
    expect(client.getUser()).toEqual({ authenticated: false });
  });

  test('a non-JSON error body is reported by status', async () => {
    server.failNext('GET', /^\/integrations$/, { status: 502 });
    await expect(client.authenticate(projectId, token)).rejects.toThrow(
      'Failed to authenticate user with Switchboard: Request failed with HTTP 502 Bad Gateway',
    );
  });

  test('an unreachable server names the host', async () => {
    const { url } = server;
    await server.close();
    await expect(client.authenticate(projectId, token)).rejects.toThrow(
      `Failed to authenticate user with Switchboard: Could not reach Switchboard at ${url}`,
    );
    server = await startFakeSwitchboard({ projectId, users, integrations: [] });
  });

  test('without configureGlobal() it says how to fix it', async () => {
    const unconfigured = createConnectClient({ fetch });
    await expect(unconfigured.authenticate(projectId, token)).rejects.toThrow(/call paragon.configureGlobal/);
  });

  test('the later of two overlapping calls wins, and both settle with it', async () => {
    const release = server.hold();
    const first = client.authenticate(projectId, token);
    const second = client.authenticate(projectId, otherToken);
    release();
    await Promise.all([first, second]);
    expect(client.getUser()).toMatchObject({ authenticated: true, userId: 'user-2' });
  });

  test('configureGlobal() during authenticate() cancels it', async () => {
    const release = server.hold();
    const pending = client.authenticate(projectId, token);
    client.configureGlobal({ host: server.url });
    release();
    await expect(pending).rejects.toThrow(/interrupted by paragon.configureGlobal/);
    expect(client.getUser()).toEqual({ authenticated: false });
  });
});

describe('configureGlobal', () => {
  test('requires a host', () => {
    expect(() => client.configureGlobal({} as { host: string })).toThrow('host not specified');
    expect(() => client.configureGlobal(undefined as never)).toThrow('host not specified');
  });

  test('signs the user out, like the official client', async () => {
    await signIn();
    client.configureGlobal({ host: server.url });
    expect(client.getUser()).toEqual({ authenticated: false });
    await expect(client.enableWorkflow(ids.workflowSalesforce)).rejects.toThrow(UserNotAuthenticatedError);
  });

  test('keeps a path prefix of the host', async () => {
    await server.close();
    await start('/switchboard');
    await client.authenticate(projectId, token);
    expect(server.requests.map(summary).sort()).toEqual([
      `GET /switchboard${sdkPath}/integrations`,
      `GET /switchboard${sdkPath}/me`,
    ]);
    expect(client.getIntegrationMetadata('salesforce').icon).toBe(
      `${server.url}/switchboard/integrations/salesforce.svg`,
    );
  });
});

describe('before authenticate', () => {
  test('user-bound methods say to call authenticate first', async () => {
    const message =
      'User not authenticated, Call paragon.authenticate(<projectId>, <user token>) before using the SDK.';
    await expect(client.setUserMetadata({ Name: 'x' })).rejects.toThrow(message);
    await expect(client.uninstallIntegration('salesforce')).rejects.toThrow(message);
    await expect(client.enableWorkflow(ids.workflowSalesforce)).rejects.toThrow(message);
    await expect(client.disableWorkflow(ids.workflowEnabled)).rejects.toThrow(message);
    expect(client.getUser()).toEqual({ authenticated: false });
    expect(client.getIntegrationMetadata()).toEqual([]);
    expect(server.requests).toEqual([]);
  });
});

describe('getIntegrationMetadata', () => {
  test('lists active integrations with icons; one by type; unknown types throw', async () => {
    await signIn();
    expect(client.getIntegrationMetadata()).toEqual([
      {
        type: 'salesforce',
        name: 'Salesforce',
        brandColor: '#057ACF',
        icon: `${server.url}/integrations/salesforce.svg`,
      },
      { type: 'slack', name: 'Slack', brandColor: '#4A154B', icon: 'https://cdn.example.com/slack.svg' },
    ]);
    expect(client.getIntegrationMetadata('slack').name).toBe('Slack');
    expect(() => client.getIntegrationMetadata('hubspot')).toThrow('hubspot is not a valid integration name');
    expect(server.requests).toEqual([]);
  });
});

describe('setUserMetadata', () => {
  test('PATCHes normalized metadata, reloads the user and returns getUser()', async () => {
    await signIn();
    const user = await client.setUserMetadata({ email: 'ada@example.com', ' tier ': 3 });
    expect(server.requests.map(summary).slice(0, 1)).toEqual([`PATCH ${sdkPath}/me`]);
    expect(server.requests[0]?.body).toEqual({ meta: { Email: 'ada@example.com', tier: 3 } });
    expect(server.requests[0]?.headers).toMatchObject({
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    });
    expect(server.requests.slice(1).map(summary).sort()).toEqual([
      `GET ${sdkPath}/integrations`,
      `GET ${sdkPath}/me`,
    ]);
    expect(user).toEqual(client.getUser());
    expect(user).toMatchObject({
      meta: { Name: 'Ada Lovelace', plan: 'pro', Email: 'ada@example.com', tier: 3 },
    });
    expect(JSON.stringify(user)).not.toContain(token);
  });

  test('rejects a non-object', async () => {
    await signIn();
    await expect(client.setUserMetadata('Ada' as never)).rejects.toThrow(/expects an object/);
    expect(server.requests).toEqual([]);
  });

  test('a 401 signs the user out', async () => {
    await signIn();
    server.failNext('PATCH', /^\/me$/, {
      status: 401,
      body: { message: 'The User Token has expired.', code: 'AUTH_TOKEN_EXPIRED', status: 401 },
    });
    await expect(client.setUserMetadata({ Name: 'x' })).rejects.toMatchObject({
      name: 'ConnectRequestError',
      message: 'The User Token has expired.',
      status: 401,
      code: 'AUTH_TOKEN_EXPIRED',
    });
    expect(client.getUser()).toEqual({ authenticated: false });
  });
});

describe('uninstallIntegration', () => {
  test('DELETEs the current credential, promotes the next one and emits onIntegrationUninstall', async () => {
    await signIn();
    const events: [IntegrationUninstallEvent, unknown][] = [];
    client.subscribe('onIntegrationUninstall', (event, user) => events.push([event, user]));
    await client.uninstallIntegration('salesforce');
    expect(server.requests.map(summary)).toEqual([`DELETE ${sdkPath}/integrations/${ids.salesforce}`]);
    expect(server.requests[0]?.headers).toMatchObject({
      'x-paragon-credential': ids.credentialA,
      authorization: `Bearer ${token}`,
      'x-paragon-sdk-version': '0.1.0',
    });
    const user = client.getUser();
    expect(user).toMatchObject({
      integrations: {
        salesforce: { enabled: true, credentialId: ids.credentialB, credentialConfigId: ids.configurationB },
      },
    });
    expect(events).toEqual([[{ integrationId: ids.salesforce, integrationType: 'salesforce' }, user]]);
  });

  test('a selected credential (by id or externalId) is the one removed', async () => {
    await signIn();
    await client.uninstallIntegration('salesforce', { selectedCredentialId: ids.credentialB });
    expect(server.requests[0]?.headers['x-paragon-credential']).toBe(ids.credentialB);
    await client.uninstallIntegration('salesforce', { selectedCredentialId: 'ext:acme-prod' });
    expect(server.requests[1]?.headers['x-paragon-credential']).toBe(ids.credentialA);
    expect(client.getUser()).toMatchObject({
      integrations: {
        salesforce: { enabled: false, allCredentials: [], allConfigurations: [], workflowSettings: {} },
      },
    });
  });

  test('client-side errors', async () => {
    await signIn();
    await expect(client.uninstallIntegration('slack')).rejects.toThrow(
      'Integration "slack" is not installed.',
    );
    await expect(client.uninstallIntegration('salesforce', { selectedCredentialId: 'nope' })).rejects.toThrow(
      'Credential with ID "nope" is not a valid salesforce account.',
    );
    await expect(client.uninstallIntegration('hubspot')).rejects.toThrow(
      'integration "hubspot" is not active in your Switchboard project yet.',
    );
    await expect(client.uninstallIntegration('notion')).rejects.toThrow(
      '"notion" is not a valid integration type. The integrations you have configured for this Switchboard project are:\n\n- "salesforce"\n- "slack"\n- "hubspot"\n',
    );
    expect(server.requests).toEqual([]);
  });

  test('a server error is surfaced and leaves the state unchanged', async () => {
    await signIn();
    server.failNext('DELETE', /^\/integrations\//, {
      status: 404,
      body: {
        message: 'Integration salesforce is not installed for this user.',
        code: 'INTEGRATION_NOT_INSTALLED',
        status: 404,
      },
    });
    const events: unknown[] = [];
    client.subscribe('onIntegrationUninstall', (event) => events.push(event));
    await expect(client.uninstallIntegration('salesforce')).rejects.toThrow(
      'Integration salesforce is not installed for this user.',
    );
    expect(client.getUser()).toMatchObject({
      integrations: { salesforce: { credentialId: ids.credentialA } },
    });
    expect(events).toEqual([]);
  });
});

describe('enableWorkflow / disableWorkflow', () => {
  test('POST then DELETE /sdk/workflows/:id with the current credential and configuration', async () => {
    await signIn();
    await client.enableWorkflow(ids.workflowSalesforce);
    expect(server.requests.map(summary)).toEqual([`POST ${sdkPath}/workflows/${ids.workflowSalesforce}`]);
    expect(server.requests[0]?.headers).toMatchObject({
      'x-paragon-credential': ids.credentialA,
      'x-paragon-configuration-id': ids.configurationA,
      authorization: `Bearer ${token}`,
    });
    expect(server.requests[0]?.body).toBeUndefined();
    expect(client.getUser()).toMatchObject({
      integrations: {
        salesforce: { workflowSettings: { [ids.workflowSalesforce]: { enabled: true, settings: {} } } },
      },
    });

    await client.disableWorkflow(ids.workflowSalesforce);
    expect(server.requests.map(summary)[1]).toBe(`DELETE ${sdkPath}/workflows/${ids.workflowSalesforce}`);
    expect(client.getUser()).toMatchObject({
      integrations: { salesforce: { workflowSettings: { [ids.workflowSalesforce]: { enabled: false } } } },
    });
    // The server's own state agrees with the SDK's local update.
    await client.setUserMetadata({});
    expect(client.getUser()).toMatchObject({
      integrations: {
        salesforce: { workflowSettings: { [ids.workflowSalesforce]: { enabled: false, settings: {} } } },
      },
    });
  });

  test('a selected credential uses its default configuration', async () => {
    await signIn();
    await client.enableWorkflow(ids.workflowSalesforce, { selectedCredentialId: ids.credentialB });
    expect(server.requests[0]?.headers).toMatchObject({
      'x-paragon-credential': ids.credentialB,
      'x-paragon-configuration-id': ids.configurationB,
    });
    const user = client.getUser();
    if (!user.authenticated) throw new Error('expected an authenticated user');
    expect(user.integrations.salesforce?.workflowSettings[ids.workflowSalesforce]).toBeUndefined();
    expect(
      user.integrations.salesforce?.allConfigurations[1]?.workflowSettings[ids.workflowSalesforce],
    ).toEqual({
      enabled: true,
      settings: {},
    });
  });

  test('client-side errors mirror the official client', async () => {
    await signIn();
    await expect(client.enableWorkflow('')).rejects.toThrow('workflowId is required.');
    await expect(client.enableWorkflow('6b22193b-e355-458d-b6a3-5e5516edb588')).rejects.toThrow(
      'Workflow not found in the configured integrations in your Switchboard project.',
    );
    await expect(client.enableWorkflow(ids.workflowSlack)).rejects.toThrow(
      'Integration "slack" not enabled for workflow.',
    );
    await expect(client.enableWorkflow(ids.workflowEnabled)).rejects.toThrow(
      `Workflow ${ids.workflowEnabled} is already enabled for this user.`,
    );
    await expect(client.disableWorkflow(ids.workflowSalesforce)).rejects.toThrow(
      `Workflow ${ids.workflowSalesforce} cannot be disabled for this user.`,
    );
    await expect(
      client.enableWorkflow(ids.workflowSalesforce, {
        selectedCredentialId: ids.credentialA,
        selectedConfigurationId: ids.configurationB,
      }),
    ).rejects.toThrow(
      'Provided "selectedCredentialId" does not belong to provided "selectedConfigurationId".',
    );
    expect(server.requests).toEqual([]);
  });

  test('an invalid selected credential cannot enable', async () => {
    const me = makeMeResponse('user-1');
    const salesforce = makeSalesforceState();
    const [, second] = salesforce.allCredentials;
    if (second) second.status = 'INVALID';
    users.set(token, { ...me, integrations: { ...me.integrations, salesforce } });
    await signIn();
    await expect(
      client.enableWorkflow(ids.workflowSalesforce, { selectedCredentialId: ids.credentialB }),
    ).rejects.toThrow('Valid credential not found for provided options.');
  });

  test('a server error is surfaced with its message and code', async () => {
    await signIn();
    server.failNext('POST', /^\/workflows\//, {
      status: 404,
      body: {
        message: `Workflow ${ids.workflowSalesforce} is not deployed.`,
        code: 'WORKFLOW_NOT_FOUND',
        status: 404,
      },
    });
    await expect(client.enableWorkflow(ids.workflowSalesforce)).rejects.toMatchObject({
      message: `Workflow ${ids.workflowSalesforce} is not deployed.`,
      code: 'WORKFLOW_NOT_FOUND',
      status: 404,
    });
    expect(client.getUser()).toMatchObject({ authenticated: true });
    expect(client.getUser()).not.toHaveProperty(
      `integrations.salesforce.workflowSettings.${ids.workflowSalesforce}`,
    );
  });
});

describe('subscribe', () => {
  test('a listener that throws is logged and does not fail the operation', async () => {
    await signIn();
    client.subscribe('onIntegrationUninstall', () => {
      throw new Error('listener bug');
    });
    await client.uninstallIntegration('salesforce');
    expect(logged).toHaveLength(1);
    expect(String(logged[0]?.[0])).toContain('onIntegrationUninstall');
  });

  test('the returned function unsubscribes', async () => {
    await signIn();
    const events: unknown[] = [];
    const stop = client.subscribe('onIntegrationUninstall', (event) => events.push(event));
    expect(stop()).toBe(true);
    expect(client.unsubscribe('onIntegrationUninstall', () => {})).toBe(false);
    await client.uninstallIntegration('salesforce');
    expect(events).toEqual([]);
  });

  test('unknown event names throw', () => {
    expect(() => client.subscribe('onConnect' as never, () => {})).toThrow('onConnect is not valid event');
  });
});

test('getVersion()', () => {
  expect(client.getVersion()).toBe('0.1.0');
});
