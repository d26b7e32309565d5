import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadConfig } from './config';
import { startServer } from './startServer';
import { type Cleanup, freshInstallEnv, runCliCaptured } from './testing/freshInstall';
import { call } from './testing/startTestServer';

const cleanups: Cleanup[] = [];
const freshEnv = (extra: NodeJS.ProcessEnv = {}) => freshInstallEnv(cleanups, extra);
const cli = runCliCaptured;
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

describe('one-command server', () => {
  test('first start creates the development project; a restart keeps everything', async () => {
    const env = await freshEnv();
    const first = await startServer(loadConfig(env));
    cleanups.push(() => first.close());
    const dev = first.developmentProject!;
    expect(dev.created).toBe(true);
    expect(statSync(dev.signingKeyPath).mode & 0o777).toBe(0o600);
    const session = await call(first, 'GET', '/demo/session');
    expect(session.body.projectId).toBe(dev.projectId);
    const token = session.body.token as string;
    const me = await call(first, 'GET', `/projects/${dev.projectId}/sdk/me`, { token });
    expect(Object.keys(me.body.integrations)).toEqual(
      expect.arrayContaining(['salesforce', 'hubspot', 'slack', 'stripe']),
    );
    await call(first, 'PATCH', `/projects/${dev.projectId}/sdk/me`, {
      token,
      body: { meta: { Name: 'Kept' } },
    });
    await first.close();

    const second = await startServer(loadConfig(env));
    cleanups.push(() => second.close());
    expect(second.developmentProject).toMatchObject({ projectId: dev.projectId, created: false });
    const again = await call(second, 'GET', `/projects/${dev.projectId}/sdk/me`, { token });
    expect(again.status).toBe(200);
    expect(again.body.meta).toEqual({ Name: 'Kept' });
  });

  test('the CLI works without a server, and through the server while it runs', async () => {
    const env = await freshEnv();
    const created = await cli(env, 'project', 'create', '--name', 'Acme', '--json');
    expect(created.code).toBe(0);
    const project = JSON.parse(created.out);
    expect(project).toMatchObject({ name: 'Acme', apiKey: expect.stringMatching(/^sbk_/) });
    const keyFile = join(env.SWITCHBOARD_DATA_DIR!, 'acme.pem');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(keyFile, project.signingKey);

    expect(
      (
        await cli(
          env,
          'integration',
          'enable',
          '--project',
          project.projectId,
          '--type',
          'hubspot',
          '--scopes',
          'crm.objects.contacts.read,oauth',
        )
      ).code,
    ).toBe(0);
    const issued = await cli(
      env,
      'token',
      '--project',
      project.projectId,
      '--user',
      'user-7',
      '--key',
      keyFile,
      '--ttl',
      '10m',
    );
    expect(issued.code).toBe(0);

    const server = await startServer(loadConfig(env));
    cleanups.push(() => server.close());
    const me = await call(server, 'GET', `/projects/${project.projectId}/sdk/me`, { token: issued.out });
    expect(me.status).toBe(200);
    expect(me.body.userId).toBe('user-7');
    expect(Object.keys(me.body.integrations)).toEqual(['hubspot']);

    // The server now owns the embedded database: the CLI must go through its admin API.
    const viaServer = await cli(env, 'project', 'create', '--name', 'Second', '--json');
    expect(viaServer.code).toBe(0);
    const list = await cli(env, 'project', 'list', '--json');
    expect(JSON.parse(list.out).map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['Acme', 'Second', 'Development']),
    );
    const viaServerToken = await cli(
      env,
      'token',
      '--project',
      project.projectId,
      '--user',
      'user-8',
      '--key',
      keyFile,
    );
    expect(
      (await call(server, 'GET', `/projects/${project.projectId}/sdk/me`, { token: viaServerToken.out })).body
        .userId,
    ).toBe('user-8');
  });

  test('CLI mistakes are one-line errors with a non-zero exit, never a stack', async () => {
    const env = await freshEnv();
    const missing = await cli(env, 'project', 'create');
    expect(missing).toMatchObject({ code: 2, err: expect.stringContaining('--name is required') });
    const unknown = await cli(env, 'frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown command');
    const project = JSON.parse((await cli(env, 'project', 'create', '--name', 'X', '--json')).out);
    const badType = await cli(
      env,
      'integration',
      'enable',
      '--project',
      project.projectId,
      '--type',
      'myspace',
    );
    expect(badType.code).toBe(1);
    expect(badType.err).toContain('not in the catalog');
    const badTtl = await cli(
      env,
      'token',
      '--project',
      project.projectId,
      '--user',
      'u',
      '--key',
      '/nonexistent.pem',
    );
    expect(badTtl.err).toContain('cannot read that file');
    for (const r of [missing, unknown, badType, badTtl]) expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe.skipIf(process.env.DATABASE_URL)('embedded database has one writer', () => {
  test('a second server on the same data directory is refused with a clear error', async () => {
    const env = await freshEnv();
    const first = await startServer(loadConfig(env));
    cleanups.push(() => first.close());
    await expect(startServer(loadConfig(env))).rejects.toMatchObject({ code: 'DATA_DIR_LOCKED' });
    expect((await call(first, 'GET', '/healthz')).status).toBe(200);
  });
});

describe.runIf(process.env.DATABASE_URL)('several processes on one PostgreSQL', () => {
  test('starting three servers at once migrates once and creates one development project', async () => {
    const env = await freshEnv();
    const dirs = [1, 2, 3].map((i) => `${env.SWITCHBOARD_DATA_DIR}/node-${i}`);
    const servers = await Promise.all(
      dirs.map((dir) => startServer(loadConfig({ ...env, SWITCHBOARD_DATA_DIR: dir }))),
    );
    for (const s of servers) cleanups.push(() => s.close());
    const ids = new Set(servers.map((s) => s.developmentProject?.projectId));
    expect(ids.size).toBe(1);
    expect(servers.filter((s) => s.developmentProject?.created)).toHaveLength(1);
    const { body } = await call(servers[0]!, 'GET', '/healthz');
    expect(body.status).toBe('ok');
  });
});
