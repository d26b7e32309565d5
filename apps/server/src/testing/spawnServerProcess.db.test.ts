import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IntegrationDefinitionInput } from '@switchboard/catalog';
import { createScratchDatabase } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signUserToken } from '../keys/signUserToken';
import { startFakeProvider } from './fakeProvider';
import { spawnServerProcess } from './spawnServerProcess';
import { call } from './startTestServer';

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

let provider: Awaited<ReturnType<typeof startFakeProvider>>;
beforeAll(async () => {
  provider = await startFakeProvider();
  cleanups.push(() => provider.close());
});

/** A production-like environment: temp data dir (and a scratch database in the PostgreSQL pass). */
async function serverEnv(): Promise<Record<string, string>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-process-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const env: Record<string, string> = {
    SWITCHBOARD_DATA_DIR: dataDir,
    SWITCHBOARD_ADMIN_KEY: `sba_${randomBytes(24).toString('base64url')}`,
    SWITCHBOARD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SWITCHBOARD_DEVELOPMENT: '0',
    PORT: '0',
    LOG_LEVEL: 'warn',
  };
  if (process.env.DATABASE_URL) {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL);
    cleanups.push(scratch.drop);
    env.DATABASE_URL = scratch.url;
  }
  return env;
}

/** The fake provider's API-key entry under another type (so it is visibly the extra one). */
function keyEntry(): IntegrationDefinitionInput {
  const fakekey = provider.definitions.find((d) => d.type === 'fakekey');
  if (!fakekey) throw new Error('the fake provider has no fakekey entry');
  return { ...fakekey, type: 'processkey', name: 'Process Key' };
}

describe('spawnServerProcess', () => {
  test('runs the real server in a child process with an extra catalog entry, and stops it gracefully', async () => {
    const env = await serverEnv();
    const server = await spawnServerProcess({ env, extraDefinitions: [keyEntry()] });
    cleanups.push(() => server.stop());
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.pid).toBe(server.child.pid);

    expect((await call(server, 'GET', '/healthz')).status).toBe(200);
    const admin = { token: env.SWITCHBOARD_ADMIN_KEY! };
    const catalog = await call(server, 'GET', '/admin/catalog', admin);
    expect(catalog.status).toBe(200);
    const types = catalog.body.map((entry: { type: string }) => entry.type);
    expect(types).toContain('processkey');
    expect(types).not.toContain('sandbox'); // SWITCHBOARD_DEVELOPMENT=0: no built-in local entries

    // The extra entry works end to end: enable, install an API key, call the provider through the proxy.
    const project = await call(server, 'POST', '/admin/projects', { ...admin, body: { name: 'Process' } });
    expect(project.status).toBe(201);
    const projectId = project.body.projectId as string;
    const enabled = await call(server, 'POST', `/admin/projects/${projectId}/integrations`, {
      ...admin,
      body: { type: 'processkey' },
    });
    expect(enabled.status).toBe(200);
    const { token } = await signUserToken({
      privateKeyPem: project.body.signingKey,
      userId: 'process-user',
      ttlSeconds: 600,
    });
    const installed = await call(server, 'POST', `/projects/${projectId}/sdk/credentials`, {
      token,
      body: { integrationId: enabled.body.id, payload: { apiKey: 'good-key' } },
    });
    expect(installed.status).toBe(201);
    const proxied = await call(
      server,
      'GET',
      `/projects/${projectId}/sdk/proxy/processkey/echo/items?limit=2`,
      {
        token,
      },
    );
    expect(proxied.status).toBe(200);
    expect(proxied.body.output).toMatchObject({ method: 'GET', url: '/echo/items?limit=2' });
    expect(provider.log.echo.at(-1)?.headers['x-api-key']).toBe('good-key');

    await server.stop();
    expect(server.child.exitCode).toBe(0);
    await server.stop(); // idempotent
  });

  test('a server that cannot start rejects with its error output', async () => {
    const env = { ...(await serverEnv()), SWITCHBOARD_ADMIN_KEY: 'short' };
    await expect(spawnServerProcess({ env })).rejects.toThrow(
      /exited \(code 1\)[\s\S]*at least 24 characters/,
    );
  });
});
