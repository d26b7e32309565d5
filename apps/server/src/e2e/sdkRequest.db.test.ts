import { createConnectClient, ProxyRequestError } from '@switchboard/connect';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectViaOAuth } from '../testing/connectViaOAuth';
import { startFakeProvider } from '../testing/fakeProvider';
import { startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';

let provider: Awaited<ReturnType<typeof startFakeProvider>>;
let server: TestServer;
let project: TestProject;

beforeAll(async () => {
  provider = await startFakeProvider();
  server = await startTestServer({
    extraDefinitions: provider.definitions,
    proxy: { retryPolicy: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, maxTotalWaitMs: 1 } },
  });
  project = await server.createProject('SDK request');
  await project.enable('fakeoauth');
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
});

async function signedIn(sub: string) {
  const { token, credentialId } = await connectViaOAuth(server, project, sub);
  const client = createConnectClient({ fetch: (url, init) => fetch(url, init) });
  client.configureGlobal({ host: server.url });
  await client.authenticate(project.projectId, token);
  return { client, credentialId };
}

describe('paragon.request() against a running Switchboard', () => {
  test('GET, POST with a JSON body, text, 204, selected credential', async () => {
    const { client, credentialId } = await signedIn('request-user');
    expect(await client.request('fakeoauth', 'echo/items?limit=2')).toMatchObject({
      method: 'GET',
      url: '/echo/items?limit=2',
      authorization: expect.stringMatching(/^Bearer access-\d+$/),
    });

    const before = provider.log.echo.length;
    await client.request('fakeoauth', '/echo/contacts', { method: 'POST', body: { name: 'Ada' } });
    const seen = provider.log.echo[before]!;
    expect(seen.method).toBe('POST');
    expect(seen.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen.body.toString())).toEqual({ name: 'Ada' });

    expect(await client.request('fakeoauth', '/echo/text')).toBe('plain upstream text');
    expect(await client.request('fakeoauth', '/echo/empty', { method: 'DELETE' })).toBeUndefined();
    await client.request('fakeoauth', '/echo/x', { selectedCredentialId: credentialId });
    expect(provider.log.echo.at(-1)!.headers['x-paragon-credential']).toBeUndefined(); // never forwarded
  });

  test('a provider error rejects with its status and body; the user stays signed in', async () => {
    const { client } = await signedIn('error-user');
    const error = await client.request('fakeoauth', '/echo/status/404').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProxyRequestError);
    expect(error).toMatchObject({ status: 404, code: undefined, response: { error: 'upstream 404' } });
    expect(client.getUser().authenticated).toBe(true);
  });

  test('a revoked account: 401 CREDENTIAL_INVALID, and getUser() shows it INVALID without a sign-out', async () => {
    const { client, credentialId } = await signedIn('revoked-user');
    provider.set({ tokenMode: 'invalid-grant' });
    try {
      const error = await client.request('fakeoauth', '/echo/status/401').catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'ProxyRequestError', status: 401, code: 'CREDENTIAL_INVALID' });
    } finally {
      provider.set({ tokenMode: 'ok' });
    }
    const user = client.getUser();
    expect(user.authenticated).toBe(true);
    if (!user.authenticated) throw new Error('unreachable');
    expect(user.integrations.fakeoauth).toMatchObject({ credentialStatus: 'INVALID', credentialId });
  });

  test('before authenticate(): a clear error and no request', async () => {
    const client = createConnectClient({ fetch: (url, init) => fetch(url, init) });
    client.configureGlobal({ host: server.url });
    await expect(client.request('fakeoauth', '/echo/x')).rejects.toThrow(/authenticate/);
  });
});
