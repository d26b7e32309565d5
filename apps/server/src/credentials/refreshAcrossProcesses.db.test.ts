import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signUserToken } from '../keys/signUserToken';
import { connectViaOAuth, rawRequest } from '../testing/connectViaOAuth';
import { startFakeProvider } from '../testing/fakeProvider';
import { type ServerProcess, spawnServerProcess } from '../testing/spawnServerProcess';
import { call } from '../testing/startTestServer';

// Two real server processes on one PostgreSQL: the in-process single-flight cannot help across
// them, so this is the database lease's test. (PGlite is one process by construction.)
describe.skipIf(!process.env.DATABASE_URL)('token refresh across two server processes', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  let provider: Awaited<ReturnType<typeof startFakeProvider>>;
  let servers: ServerProcess[];
  let adminKey: string;

  beforeAll(async () => {
    provider = await startFakeProvider();
    cleanups.push(() => provider.close());
    const scratch = await createScratchDatabase(process.env.DATABASE_URL as string);
    cleanups.push(scratch.drop);
    adminKey = `sba_${randomBytes(24).toString('base64url')}`;
    const shared = {
      DATABASE_URL: scratch.url,
      SWITCHBOARD_ADMIN_KEY: adminKey,
      SWITCHBOARD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SWITCHBOARD_DEVELOPMENT: '0',
      PORT: '0',
      LOG_LEVEL: 'warn',
    };
    const fakeoauth = provider.definitions.find((d) => d.type === 'fakeoauth')!;
    servers = [];
    for (let i = 0; i < 2; i += 1) {
      const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-refresh-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const server = await spawnServerProcess({
        env: { ...shared, SWITCHBOARD_DATA_DIR: dataDir },
        extraDefinitions: [fakeoauth],
      });
      cleanups.push(() => server.stop());
      servers.push(server);
    }
  }, 120_000);
  afterAll(async () => {
    while (cleanups.length) await cleanups.pop()?.();
  });

  test('200 concurrent proxy calls with an expired token, over two processes, cause one refresh', async () => {
    const [first, second] = servers as [ServerProcess, ServerProcess];
    const admin = { token: adminKey };
    const created = await call(first, 'POST', '/admin/projects', {
      ...admin,
      body: { name: 'Two processes' },
    });
    expect(created.status).toBe(201);
    const projectId = created.body.projectId as string;
    const enabled = await call(first, 'POST', `/admin/projects/${projectId}/integrations`, {
      ...admin,
      body: { type: 'fakeoauth' },
    });
    expect(enabled.status).toBe(200);
    const project = {
      projectId,
      integrationId: async () => enabled.body.id as string,
      token: async (sub: string) =>
        (await signUserToken({ privateKeyPem: created.body.signingKey, userId: sub, ttlSeconds: 600 })).token,
    };

    // Connected with a token that lives 30 s: inside the 60 s refresh margin, so every call must refresh.
    provider.set({ expiresIn: 30 });
    const user = await connectViaOAuth(first, project, 'two-process-user');
    provider.set({ expiresIn: 3600, tokenDelayMs: 300 });
    const issuedAtConnect = provider.log.token.length;
    const echoes = provider.log.echo.length;

    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        rawRequest(
          (i % 2 === 0 ? first : second).url,
          'GET',
          `/projects/${projectId}/sdk/proxy/fakeoauth/echo/n${i}`,
          {
            authorization: `Bearer ${user.token}`,
          },
        ),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses, `${first.output()}\n${second.output()}`).toEqual(Array(200).fill(200));

    const refreshes = provider.log.token.slice(issuedAtConnect);
    expect(refreshes.map((t) => t.form.get('grant_type'))).toEqual(['refresh_token']);
    // Every call, in both processes, used the one refreshed token.
    const used = new Set(provider.log.echo.slice(echoes).map((e) => e.headers.authorization));
    expect(used).toEqual(new Set([`Bearer access-${provider.log.token.length}`]));
    expect(provider.log.echo.length - echoes).toBe(200);
  }, 120_000);
});
