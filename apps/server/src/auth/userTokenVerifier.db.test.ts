import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';

let server: TestServer;
let project: TestProject;
let other: TestProject;

beforeAll(async () => {
  server = await startTestServer();
  project = await server.createProject('Acme');
  other = await server.createProject('Other');
});
afterAll(() => server?.close());

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function rs256(claims: Record<string, unknown>, privateKeyPem = project.signingKey): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .sign(createPrivateKey(privateKeyPem));
}

async function me(authorization: string | undefined, projectId = project.projectId) {
  return call(server, 'GET', `/projects/${projectId}/sdk/me`, {
    headers: authorization === undefined ? {} : { authorization },
  });
}

describe('User Token verification', () => {
  test('a valid RS256 token is accepted and names the user', async () => {
    const response = await me(`Bearer ${await rs256({ sub: 'user-1', iat: now(), exp: now() + 600 })}`);
    expect(response.status).toBe(200);
    expect(response.body.userId).toBe('user-1');
  });

  const cases: Array<[string, () => Promise<string | undefined>, string]> = [
    ['no Authorization header', async () => undefined, 'AUTH_TOKEN_MISSING'],
    ['a non-Bearer scheme', async () => 'Basic dXNlcjpwYXNz', 'AUTH_TOKEN_MISSING'],
    ['a token that is not a JWT', async () => 'Bearer not-a-jwt', 'AUTH_TOKEN_MALFORMED'],
    ['a JWT with an undecodable header', async () => 'Bearer %%%.e30.sig', 'AUTH_TOKEN_MALFORMED'],
    [
      'alg: none',
      async () => `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u', exp: now() + 600 })}.`,
      'AUTH_TOKEN_ALGORITHM',
    ],
    [
      'HS256 signed with the public key as the secret',
      async () => {
        const { body } = await call(server, 'GET', `/admin/projects/${project.projectId}`, {
          token: server.adminKey,
        });
        const secret = new TextEncoder().encode(body.signingKeys[0].publicKey);
        const token = await new SignJWT({ sub: 'u', exp: now() + 600 })
          .setProtectedHeader({ alg: 'HS256' })
          .sign(secret);
        return `Bearer ${token}`;
      },
      'AUTH_TOKEN_ALGORITHM',
    ],
    [
      "another project's key",
      async () => `Bearer ${await rs256({ sub: 'u', exp: now() + 600 }, other.signingKey)}`,
      'AUTH_TOKEN_SIGNATURE',
    ],
    [
      'a tampered payload',
      async () => {
        const [h, , s] = (await rs256({ sub: 'u', exp: now() + 600 })).split('.');
        return `Bearer ${h}.${b64({ sub: 'admin', exp: now() + 600 })}.${s}`;
      },
      'AUTH_TOKEN_SIGNATURE',
    ],
    [
      'an expired token (beyond 60 s skew)',
      async () => `Bearer ${await rs256({ sub: 'u', exp: now() - 120 })}`,
      'AUTH_TOKEN_EXPIRED',
    ],
    ['a token without sub', async () => `Bearer ${await rs256({ exp: now() + 600 })}`, 'AUTH_TOKEN_CLAIMS'],
    ['a token without exp', async () => `Bearer ${await rs256({ sub: 'u' })}`, 'AUTH_TOKEN_CLAIMS'],
    ['an empty sub', async () => `Bearer ${await rs256({ sub: '', exp: now() + 600 })}`, 'AUTH_TOKEN_CLAIMS'],
    [
      'iat in the future',
      async () => `Bearer ${await rs256({ sub: 'u', iat: now() + 3600, exp: now() + 7200 })}`,
      'AUTH_TOKEN_CLAIMS',
    ],
    [
      'nbf in the future',
      async () => `Bearer ${await rs256({ sub: 'u', nbf: now() + 3600, exp: now() + 7200 })}`,
      'AUTH_TOKEN_CLAIMS',
    ],
    [
      'an aud naming another project',
      async () =>
        `Bearer ${await rs256({ sub: 'u', exp: now() + 600, aud: `useparagon.com/${other.projectId}` })}`,
      'AUTH_TOKEN_AUDIENCE',
    ],
  ];

  test.each(cases)('refuses %s with 401 and a code saying why', async (_name, makeHeader, code) => {
    const response = await me(await makeHeader());
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.body).toMatchObject({ code, status: 401 });
    expect(response.body.message.length).toBeGreaterThan(10);
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  test('tolerates 60 s of clock skew on exp', async () => {
    const response = await me(`Bearer ${await rs256({ sub: 'u', exp: now() - 30 })}`);
    expect(response.status).toBe(200);
  });

  test('accepts an aud of this project, bare or in Paragon form', async () => {
    for (const aud of [
      project.projectId,
      `useparagon.com/${project.projectId}`,
      [`x`, `host/${project.projectId}`],
    ]) {
      const response = await me(`Bearer ${await rs256({ sub: 'u', exp: now() + 600, aud })}`);
      expect(response.status).toBe(200);
    }
  });

  test('an unknown project is a 404, not a 401', async () => {
    const response = await me(`Bearer ${await project.token('u')}`, '00000000-0000-4000-8000-000000000000');
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('PROJECT_NOT_FOUND');
  });

  test('a malformed project id is a 400 that says so', async () => {
    const response = await me(`Bearer ${await project.token('u')}`, 'not-a-uuid');
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.message).toContain('projectId');
  });

  test('the same sub in another project is another Connected User', async () => {
    await other.enable('slack');
    expect((await me(`Bearer ${await project.token('shared-sub')}`)).status).toBe(200);
    expect((await me(`Bearer ${await other.token('shared-sub')}`, other.projectId)).status).toBe(200);
    const rows = await server.db
      .selectFrom('connectedUsers')
      .select(['id', 'projectId'])
      .where('externalId', '=', 'shared-sub')
      .execute();
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((r) => r.projectId))).toEqual(new Set([project.projectId, other.projectId]));
  });

  test('key rotation: both keys verify while active; a deactivated key stops verifying', async () => {
    const oldToken = await project.token('rotating-user');
    const added = await call(server, 'POST', `/admin/projects/${project.projectId}/signing-keys`, {
      token: project.apiKey,
      body: {},
    });
    expect(added.status).toBe(201);
    const newToken = await rs256({ sub: 'rotating-user', exp: now() + 600 }, added.body.signingKey);
    expect((await me(`Bearer ${oldToken}`)).status).toBe(200);
    expect((await me(`Bearer ${newToken}`)).status).toBe(200);

    const { body: projectBody } = await call(server, 'GET', `/admin/projects/${project.projectId}`, {
      token: project.apiKey,
    });
    const oldKey = projectBody.signingKeys.find((k: { id: string }) => k.id !== added.body.signingKeyId);
    const removed = await call(
      server,
      'DELETE',
      `/admin/projects/${project.projectId}/signing-keys/${oldKey.id}`,
      {
        token: project.apiKey,
      },
    );
    expect(removed.status).toBe(200);
    expect((await me(`Bearer ${oldToken}`)).body.code).toBe('AUTH_TOKEN_SIGNATURE');
    expect((await me(`Bearer ${newToken}`)).status).toBe(200);

    const last = await call(
      server,
      'DELETE',
      `/admin/projects/${project.projectId}/signing-keys/${added.body.signingKeyId}`,
      {
        token: project.apiKey,
      },
    );
    expect(last.status).toBe(409);
    expect((await me(`Bearer ${newToken}`)).status).toBe(200);
  });
});
