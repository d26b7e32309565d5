import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { loadConfig } from '../config';
import { dataDirPaths, readOrCreateAdminKey } from '../dataDir';
import { readKeyFile } from '../keys/keyFile';
import { envKey } from '../keys/loadKeyring';
import { signUserToken } from '../keys/signUserToken';
import { startServer } from '../startServer';
import { startFakeProvider } from '../testing/fakeProvider';
import { type Cleanup, freshInstallEnv, runCliCaptured } from '../testing/freshInstall';
import { call } from '../testing/startTestServer';
import { usage } from './runCli';

const cleanups: Cleanup[] = [];
const freshEnv = (extra: NodeJS.ProcessEnv = {}) => freshInstallEnv(cleanups, extra);
const cli = runCliCaptured;
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function projectWithClientSecret(env: NodeJS.ProcessEnv) {
  const project = JSON.parse((await cli(env, 'project', 'create', '--name', 'Acme', '--json')).out);
  const enabled = await cli(
    env,
    ...['integration', 'enable', '--project', project.projectId, '--type', 'hubspot'],
    ...['--client-id', 'client-1', '--client-secret', 'client-secret-1'],
  );
  expect(enabled.code).toBe(0);
  return project as { projectId: string; signingKey: string };
}

describe('switchboard keys rotate', () => {
  test('file mode: a new key, without a server and through a running one; the server keeps serving', async () => {
    const env = await freshEnv();
    const project = await projectWithClientSecret(env);
    const keyFile = dataDirPaths(env.SWITCHBOARD_DATA_DIR!).encryptionKeys;
    const firstKeyId = readKeyFile(keyFile).currentKeyId;

    const offline = await cli(env, 'keys', 'rotate', '--json');
    expect(offline).toMatchObject({ code: 0, err: '' });
    const report = JSON.parse(offline.out);
    expect(report).toMatchObject({
      previousKeyId: firstKeyId,
      generatedKey: true,
      tables: {
        credentialSecrets: { resealed: 0 },
        integrations: { resealed: 1, alreadyCurrent: 0 },
        oauthSessions: { resealed: 0 },
      },
      unopenable: { count: 0, values: [] },
    });
    expect(readKeyFile(keyFile)).toMatchObject({ currentKeyId: report.currentKeyId });
    expect(Object.keys(readKeyFile(keyFile).keys)).toHaveLength(2);

    // A server with an API-key credential sealed under the current key.
    const provider = await startFakeProvider();
    cleanups.push(provider.close);
    const server = await startServer(loadConfig(env), { extraDefinitions: provider.definitions });
    cleanups.push(() => server.close());
    const adminKey = readOrCreateAdminKey(env.SWITCHBOARD_DATA_DIR!, undefined);
    const enabled = await call(server, 'POST', `/admin/projects/${project.projectId}/integrations`, {
      token: adminKey,
      body: { type: 'fakekey' },
    });
    const token = (
      await signUserToken({ privateKeyPem: project.signingKey, userId: 'user-a', ttlSeconds: 600 })
    ).token;
    const installed = await call(server, 'POST', `/projects/${project.projectId}/sdk/credentials`, {
      token,
      body: { integrationId: enabled.body.id, payload: { apiKey: 'good-key' } },
    });
    expect(installed.status).toBe(201);

    // Embedded database: through the server's admin API. PostgreSQL: straight on the database, so the
    // server learns about the new key from the key file.
    const online = await cli(env, 'keys', 'rotate');
    expect(online).toMatchObject({ code: 0, err: '' });
    expect(online.out).toMatch(
      /^Re-sealed every secret under key k-[0-9a-f]{12}, via (server at|PostgreSQL)/,
    );
    expect(online.out).toContain(`the former current key ${report.currentKeyId} is kept there`);
    expect(online.out).toMatch(/credentialSecrets\s+1 re-sealed\s+0 already current\s+0 retried/);
    expect(online.out).toMatch(/integrations\s+1 re-sealed/);
    expect(readKeyFile(keyFile).keys).toHaveProperty(report.currentKeyId);
    expect(Object.keys(readKeyFile(keyFile).keys)).toHaveLength(3);

    // The first proxied call opens the credential re-sealed under the newest key.
    const proxied = await call(server, 'GET', `/projects/${project.projectId}/sdk/proxy/fakekey/echo/one`, {
      token,
    });
    expect(proxied.status).toBe(200);
    expect(provider.log.echo.at(-1)?.headers['x-api-key']).toBe('good-key');
  });

  test('env mode: switch SWITCHBOARD_ENCRYPTION_KEY, keep the old one as previous, rotate, drop it', async () => {
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('base64');
    const env = await freshEnv({ SWITCHBOARD_ENCRYPTION_KEY: oldKey });
    await projectWithClientSecret(env);

    // Forgetting the previous key: nothing is touched, the value is reported, exit 1.
    const forgot = await cli({ ...env, SWITCHBOARD_ENCRYPTION_KEY: newKey }, 'keys', 'rotate');
    expect(forgot.code).toBe(1);
    expect(forgot.err).toContain('1 value(s) could not be opened and were left untouched');
    expect(forgot.err).toMatch(new RegExp(`integrations [0-9a-f-]{36}: .*"${envKey(oldKey).id}"`));
    expect(forgot.err).toContain('SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS');

    const rotated = await cli(
      { ...env, SWITCHBOARD_ENCRYPTION_KEY: newKey, SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS: oldKey },
      'keys',
      'rotate',
      '--json',
    );
    expect(rotated.code).toBe(0);
    expect(JSON.parse(rotated.out)).toMatchObject({
      currentKeyId: envKey(newKey).id,
      previousKeyId: envKey(newKey).id,
      generatedKey: false,
      tables: { integrations: { resealed: 1, alreadyCurrent: 0, unopenable: 0 } },
      unopenable: { count: 0 },
    });

    const again = await cli(
      { ...env, SWITCHBOARD_ENCRYPTION_KEY: newKey, SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS: oldKey },
      'keys',
      'rotate',
    );
    expect(again.out).toMatch(/integrations\s+0 re-sealed\s+1 already current/);
    expect(again.out).toContain('remove them from SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS');

    // The old key is no longer needed.
    const after = await cli({ ...env, SWITCHBOARD_ENCRYPTION_KEY: newKey }, 'keys', 'rotate', '--json');
    expect(after.code).toBe(0);
    expect(JSON.parse(after.out).tables.integrations).toMatchObject({ resealed: 0, alreadyCurrent: 1 });
  });

  test('mistakes are one-line errors with a non-zero exit', async () => {
    const env = await freshEnv();
    expect(usage).toContain('keys rotate [--json]');
    const badFlag = await cli(env, 'keys', 'rotate', '--force');
    expect(badFlag.code).toBe(2);
    const badKeys = await cli({ ...env, SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS: 'nope' }, 'keys', 'rotate');
    expect(badKeys.code).toBe(1);
    expect(badKeys.err).toContain(
      'SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS: key 1 of 1 is not 32 bytes of base64',
    );
    const unknown = await cli(env, 'keys', 'spin');
    expect(unknown).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "keys spin"') });
    for (const r of [badFlag, badKeys, unknown]) expect(r.err).not.toMatch(/\n\s+at /);
  });
});
