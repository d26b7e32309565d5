import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openCredentialSecrets } from '../connect/credentialSecrets';
import { redactPaths } from '../startServer';
import { connectViaOAuth, rawRequest } from '../testing/connectViaOAuth';
import { startFakeProvider } from '../testing/fakeProvider';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';

let provider: Awaited<ReturnType<typeof startFakeProvider>>;
let server: TestServer;
let project: TestProject;
const lines: string[] = [];

beforeAll(async () => {
  provider = await startFakeProvider();
  // The production logger configuration (redaction) at its most verbose level.
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  server = await startTestServer({
    extraDefinitions: provider.definitions,
    logger: pino({ level: 'trace', redact: redactPaths }, sink),
    proxy: { retryPolicy: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 100, maxTotalWaitMs: 100 } },
  });
  project = await server.createProject('Logs');
  await project.enable('fakeoauth', 'fakekey');
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
});

test('connect, proxy, refresh, revocation and errors leave no secret in the logs', async () => {
  const secrets = new Set<string>([
    server.adminKey,
    project.signingKey,
    project.apiKey as string,
    'good-key',
  ]);
  const user = await connectViaOAuth(server, project, 'log-user');
  secrets.add(user.token);
  const remember = async () => {
    const row = await server.db
      .selectFrom('credentialSecrets')
      .select('sealed')
      .where('credentialId', '=', user.credentialId)
      .executeTakeFirstOrThrow();
    const opened = openCredentialSecrets(server.keyring, row.sealed);
    if (opened.kind === 'oauth2') {
      secrets.add(opened.accessToken);
      if (opened.refreshToken) secrets.add(opened.refreshToken);
    }
  };
  await remember();
  const proxy = (rest: string, type = 'fakeoauth') =>
    `/projects/${project.projectId}/sdk/proxy/${type}${rest}`;
  const auth = { authorization: `Bearer ${user.token}` };

  // A proxied call, a 401 that forces a refresh, a transient upstream error, a refused path.
  expect((await rawRequest(server.url, 'GET', proxy('/echo/x?x=1'), auth)).status).toBe(200);
  expect((await rawRequest(server.url, 'GET', proxy('/echo/status/401'), auth)).status).toBe(401);
  await remember();
  expect((await rawRequest(server.url, 'GET', proxy('/echo/status/503'), auth)).status).toBe(503);
  expect((await rawRequest(server.url, 'GET', proxy('/echo/%2e%2e/x'), auth)).status).toBe(400);
  // A failing refresh (provider error), then a revoked grant.
  provider.set({ tokenMode: 'server-error' });
  expect((await rawRequest(server.url, 'GET', proxy('/echo/status/401'), auth)).status).toBe(502);
  provider.set({ tokenMode: 'invalid-grant' });
  expect((await rawRequest(server.url, 'GET', proxy('/echo/status/401'), auth)).status).toBe(401);
  provider.set({ tokenMode: 'ok' });

  // An API key install with a bad key and a good one, and a proxied call with it.
  const keyUser = await project.token('log-key-user');
  secrets.add(keyUser);
  const integrationId = await project.integrationId('fakekey');
  const bad = await call(server, 'POST', `/projects/${project.projectId}/sdk/credentials`, {
    token: keyUser,
    body: { integrationId, payload: { apiKey: 'wrong-key-1234' } },
  });
  expect(bad.status).toBeGreaterThanOrEqual(400);
  secrets.add('wrong-key-1234');
  const good = await call(server, 'POST', `/projects/${project.projectId}/sdk/credentials`, {
    token: keyUser,
    body: { integrationId, payload: { apiKey: 'good-key' } },
  });
  expect(good.status).toBe(201);
  const keyed = await rawRequest(server.url, 'GET', proxy('/echo/k', 'fakekey'), {
    authorization: `Bearer ${keyUser}`,
  });
  expect(keyed.status).toBe(200);

  const log = lines.join('');
  expect(lines.length).toBeGreaterThan(10); // the logger really was on
  for (const secret of secrets)
    expect(log.includes(secret), `a secret of length ${secret.length}`).toBe(false);
  // Nothing resembling a sealed value or a bearer header either.
  expect(log).not.toMatch(/sb1\.[\w-]+\.[\w-]{16}/);
  expect(log).not.toMatch(/Bearer [\w.-]{8}/);
});
