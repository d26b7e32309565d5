import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyring, type Keyring } from '@switchboard/vault';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openCredentialSecrets, sealCredentialSecrets } from '../connect/credentialSecrets';
import { dataDirPaths } from '../dataDir';
import { startFakeProvider } from '../testing/fakeProvider';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';
import { createFileKeyring, type FileKeyring } from './fileKeyring';
import { readKeyFile } from './keyFile';
import { loadKeyring } from './loadKeyring';
import { rotateKeys } from './rotateKeys';

const USERS = 30;
const LOOPS = 4;

let dataDir: string;
let keyring: FileKeyring;
let provider: Awaited<ReturnType<typeof startFakeProvider>>;
let server: TestServer;
let project: TestProject;
let users: Array<{ sub: string; token: string; credentialId: string }>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sdk = (rest: string) => `/projects/${project.projectId}/sdk${rest}`;
const rotate = (token = server.adminKey, body?: unknown) =>
  call(server, 'POST', '/admin/keys/rotate', { token, ...(body === undefined ? {} : { body }) });

/** A keyring fixed at the key file's current contents: "another process" that has not reloaded. */
function snapshotKeyring(): Keyring {
  const file = readKeyFile(keyring.keyFile);
  return createKeyring({
    keys: Object.entries(file.keys).map(([id, key]) => ({ id, key: Buffer.from(key, 'base64') })),
    currentKeyId: file.currentKeyId,
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'switchboard-rotate-'));
  keyring = loadKeyring({ dataDir, encryptionKey: undefined, previousEncryptionKeys: [] }) as FileKeyring;
  provider = await startFakeProvider();
  server = await startTestServer({ extraDefinitions: provider.definitions, keyring });
  project = await server.createProject('Rotation');
  await project.enable('fakeoauth', 'fakekey', 'fakepost');
  const keyIntegrationId = await project.integrationId('fakekey');
  users = [];
  for (let i = 0; i < USERS; i++) {
    const sub = `user-${i}`;
    const token = await project.token(sub);
    const installed = await call(server, 'POST', sdk('/credentials'), {
      token,
      body: { integrationId: keyIntegrationId, payload: { apiKey: 'good-key' } },
    });
    expect(installed.status).toBe(201);
    users.push({ sub, token, credentialId: installed.body.id });
  }
}, 120_000);

afterAll(async () => {
  await server?.close();
  await provider?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('POST /admin/keys/rotate', () => {
  test('re-seals every secret under a new key while proxy traffic keeps flowing', async () => {
    // A sealed OAuth client secret, a plain one stored before sealing existed, an OAuth session in progress.
    const enabled = await call(server, 'POST', `/admin/projects/${project.projectId}/integrations`, {
      token: server.adminKey,
      body: { type: 'fakeoauth', clientId: 'client-1', clientSecret: 'client-secret-1' },
    });
    expect(enabled.status).toBe(200);
    await server.db
      .updateTable('integrations')
      .set({ clientId: 'client-2', clientSecret: 'legacy-plain-secret' })
      .where('id', '=', await project.integrationId('fakepost'))
      .execute();
    const built = await call(
      server,
      'GET',
      `/v2/projects/${project.projectId}/sdk/actions/build-oauth?${new URLSearchParams({
        action: 'fakeoauth',
        integrationId: await project.integrationId('fakeoauth'),
        oauthMetaKeyId: 'rotation-meta',
        originForPostMessage: 'http://app.example.test',
      })}`,
      { token: users[0]!.token },
    );
    expect(built.status).toBe(200);
    const session = await server.db
      .selectFrom('oauthSessions')
      .select(['id', 'codeVerifierSealed'])
      .executeTakeFirstOrThrow();
    const verifier = keyring.open(session.codeVerifierSealed!);
    const oldKeyId = keyring.currentKeyId;

    // Several loops proxy calls for all users, before, during and after the rotation.
    const statuses: number[] = [];
    const failures: string[] = [];
    let stop = false;
    const loop = async (offset: number) => {
      for (let i = offset; !stop; i += LOOPS) {
        const user = users[i % USERS]!;
        const res = await call(server, 'GET', sdk(`/proxy/fakekey/echo/items/${i}`), { token: user.token });
        statuses.push(res.status);
        if (res.status >= 300) failures.push(`${user.sub}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    };
    const loops = Array.from({ length: LOOPS }, (_, i) => loop(i));
    while (statuses.length < 2 * USERS) await sleep(10);

    const beforeRotation = statuses.length;
    const response = await rotate();
    const duringRotation = statuses.length;
    // Past the credential cache's lifetime, so every credential is opened again under the new key.
    await sleep(2_500);
    stop = true;
    await Promise.all(loops);

    expect({ status: response.status, body: response.body }).toMatchObject({
      status: 200,
      body: { currentKeyId: expect.any(String) },
    });
    const result = response.body;
    expect(result).toMatchObject({
      previousKeyId: oldKeyId,
      generatedKey: true,
      tables: {
        credentialSecrets: { resealed: USERS, alreadyCurrent: 0, retried: 0, unopenable: 0 },
        integrations: { resealed: 2, alreadyCurrent: 0, retried: 0, unopenable: 0 },
        oauthSessions: { resealed: 1, alreadyCurrent: 0, retried: 0, unopenable: 0 },
      },
      unopenable: { count: 0, values: [] },
    });
    const newKeyId = result.currentKeyId as string;
    expect(newKeyId).not.toBe(oldKeyId);
    expect(keyring.currentKeyId).toBe(newKeyId);

    expect(failures).toEqual([]);
    expect(duringRotation).toBeGreaterThan(beforeRotation + USERS); // traffic while the rotation ran
    expect(statuses.length).toBeGreaterThan(duringRotation + USERS);
    expect(statuses.every((s) => s >= 200 && s < 300)).toBe(true);
    expect(provider.log.echo.at(-1)?.headers['x-api-key']).toBe('good-key');

    // Another process reading the key file (it keeps the old key, and the new one is current).
    const file = readKeyFile(dataDirPaths(dataDir).encryptionKeys);
    expect(file.currentKeyId).toBe(newKeyId);
    expect(Object.keys(file.keys)).toEqual(expect.arrayContaining([oldKeyId, newKeyId]));
    const elsewhere = createFileKeyring(keyring.keyFile);

    const secrets = await server.db.selectFrom('credentialSecrets').selectAll().execute();
    expect(secrets).toHaveLength(USERS);
    for (const row of secrets) {
      expect(row.keyId).toBe(newKeyId);
      expect(row.sealed.startsWith(`sb1.${newKeyId}.`)).toBe(true);
      expect(openCredentialSecrets(elsewhere, row.sealed)).toEqual({
        kind: 'apiKey',
        fields: { apiKey: 'good-key' },
      });
    }
    const clientSecrets = await server.db
      .selectFrom('integrations')
      .select(['clientId', 'clientSecret'])
      .where('clientSecret', 'is not', null)
      .orderBy('clientId')
      .execute();
    expect(clientSecrets.map((r) => r.clientSecret?.startsWith(`sb1.${newKeyId}.`))).toEqual([true, true]);
    expect(clientSecrets.map((r) => elsewhere.open(r.clientSecret!))).toEqual([
      'client-secret-1',
      'legacy-plain-secret',
    ]);
    const resealedSession = await server.db
      .selectFrom('oauthSessions')
      .select('codeVerifierSealed')
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(resealedSession.codeVerifierSealed?.startsWith(`sb1.${newKeyId}.`)).toBe(true);
    expect(elsewhere.open(resealedSession.codeVerifierSealed!)).toBe(verifier);
  }, 60_000);

  test('a value rewritten between read and write is never overwritten with the stale one', async () => {
    const [raced, racedUnderNewKey] = users.map((u) => u.credentialId).sort();
    const notReloaded = snapshotKeyring(); // still seals with the key about to become old
    let rewritten = false;
    const result = await rotateKeys({
      db: server.db,
      keyring,
      settleMs: 0,
      async beforeWrite(table) {
        if (table !== 'credentialSecrets' || rewritten) return;
        rewritten = true;
        // Token refreshes elsewhere: one by a process that has not seen the new key yet, one that has.
        const writes: Array<[string, Keyring, string]> = [
          [raced!, notReloaded, 'refreshed-elsewhere'],
          [racedUnderNewKey!, keyring, 'refreshed-under-new-key'],
        ];
        for (const [credentialId, sealer, apiKey] of writes) {
          const sealed = sealCredentialSecrets(sealer, { kind: 'apiKey', fields: { apiKey } });
          await server.db
            .updateTable('credentialSecrets')
            .set(sealed)
            .where('credentialId', '=', credentialId)
            .execute();
        }
      },
    });
    expect(rewritten).toBe(true);
    expect(result.tables.credentialSecrets).toEqual({
      resealed: USERS - 1,
      alreadyCurrent: 1,
      retried: 2,
      unopenable: 0,
    });
    const rows = await server.db.selectFrom('credentialSecrets').selectAll().execute();
    for (const row of rows) {
      expect(row.keyId).toBe(result.currentKeyId);
      const secrets = openCredentialSecrets(keyring, row.sealed);
      const expected =
        row.credentialId === raced
          ? 'refreshed-elsewhere'
          : row.credentialId === racedUnderNewKey
            ? 'refreshed-under-new-key'
            : 'good-key';
      expect(secrets).toEqual({ kind: 'apiKey', fields: { apiKey: expected } });
    }
  });

  test('a value under an unknown key is reported and left untouched', async () => {
    const ghost = await project.connect('ghost', { type: 'fakekey' });
    const stranger = createKeyring({
      keys: [{ id: 'k-lost', key: Buffer.alloc(32, 7) }],
      currentKeyId: 'k-lost',
    });
    const sealed = sealCredentialSecrets(stranger, { kind: 'apiKey', fields: { apiKey: 'unknown' } });
    await server.db
      .insertInto('credentialSecrets')
      .values({ credentialId: ghost.credentialId, ...sealed })
      .execute();

    const response = await rotate();
    expect(response.status).toBe(200);
    expect(response.body.tables.credentialSecrets).toMatchObject({ resealed: USERS, unopenable: 1 });
    expect(response.body.unopenable).toEqual({
      count: 1,
      values: [
        {
          table: 'credentialSecrets',
          id: ghost.credentialId,
          keyId: 'k-lost',
          reason: expect.stringContaining('"k-lost"'),
        },
      ],
    });
    const kept = await server.db
      .selectFrom('credentialSecrets')
      .selectAll()
      .where('credentialId', '=', ghost.credentialId)
      .executeTakeFirstOrThrow();
    expect(kept).toMatchObject(sealed);
  });

  test('one rotation at a time per server: a second concurrent call is refused with 409', async () => {
    const [a, b] = await Promise.all([rotate(), sleep(50).then(() => rotate())]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect((a.status === 409 ? a : b).body).toMatchObject({ code: 'CONFLICT', status: 409 });
  });

  test('only the instance admin key may rotate; bad input is a 4xx with a JSON error, never a 500', async () => {
    const created = await call(server, 'POST', '/admin/projects', {
      token: server.adminKey,
      body: { name: 'Other' },
    });
    const projectKey = created.body.apiKey as string;
    const before = readKeyFile(keyring.keyFile);

    const byProject = await rotate(projectKey);
    expect(byProject.status).toBe(403);
    expect(byProject.body).toEqual({
      code: 'FORBIDDEN',
      status: 403,
      message: expect.stringContaining('instance admin key'),
    });
    const anonymous = await call(server, 'POST', '/admin/keys/rotate');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('AUTH_API_KEY_INVALID');
    expect((await rotate(`sba_${randomUUID()}`)).status).toBe(401);
    expect((await rotate(users[0]!.token)).status).toBe(401);

    const unknownField = await rotate(server.adminKey, { force: true });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.code).toBe('VALIDATION_FAILED');
    const badJson = await call(server, 'POST', '/admin/keys/rotate', {
      token: server.adminKey,
      body: '{not json',
    });
    expect(badJson.status).toBe(400);
    const text = await call(server, 'POST', '/admin/keys/rotate', {
      token: server.adminKey,
      body: 'rotate please',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBeGreaterThanOrEqual(400);
    expect(text.status).toBeLessThan(500);
    // None of the refused calls rotated anything.
    expect(readKeyFile(keyring.keyFile)).toEqual(before);
  });
});
