import { randomBytes, randomUUID } from 'node:crypto';
import { type IntegrationDefinition, listIntegrationDefinitions } from '@switchboard/catalog';
import type { CreateProjectResponse } from '@switchboard/contracts';
import {
  type CredentialWithConfigurations,
  type Database,
  insertCredential,
  upsertConnectedUser,
} from '@switchboard/db';
import { openTestDatabase } from '@switchboard/db/testing';
import { createKeyring, type Keyring } from '@switchboard/vault';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { enableIntegration } from '../admin/integrationAdmin';
import { createProject } from '../admin/projectAdmin';
import { type AppDeps, buildApp } from '../buildApp';
import type { CatalogView } from '../catalogView';
import { closeGracefully } from '../closeGracefully';
import { createCatalogView } from '../createCatalogView';
import { ensureDemoWorkflows } from '../demoWorkflowsSetup';
import { signUserToken } from '../keys/signUserToken';
import { assetPaths } from '../repoPaths';

export interface TestProject extends CreateProjectResponse {
  signingKey: string;
  /** A User Token for `userId` signed with this project's key. */
  token(userId: string, ttlSeconds?: number): Promise<string>;
  /** Activates catalog integrations for this project. */
  enable(...types: string[]): Promise<void>;
  /** The id of this project's integration of `type` (it must be enabled). */
  integrationId(type: string): Promise<string>;
  /**
   * A Connected User with a VALID credential for `type` (default slack), inserted as the connect flow
   * will create it, and a User Token for that user.
   */
  connect(
    sub: string,
    options?: { type?: string; providerId?: string; providerData?: Record<string, string> },
  ): Promise<ConnectedTestUser>;
}

export interface ConnectedTestUser {
  integrationId: string;
  credentialId: string;
  configurationId: string;
  credential: CredentialWithConfigurations;
  token: string;
}

export interface TestServer {
  url: string;
  db: Kysely<Database>;
  /** The scratch PostgreSQL database's URL (DATABASE_URL set), for a second connection; else undefined. */
  databaseUrl: string | undefined;
  catalog: CatalogView;
  adminKey: string;
  keyring: Keyring;
  definitionOf(type: string): IntegrationDefinition | undefined;
  /** A new project with a generated signing key. */
  createProject(name?: string): Promise<TestProject>;
  close(): Promise<void>;
}

/**
 * A real Switchboard HTTP server on 127.0.0.1 and an ephemeral port, over a fresh database:
 * in-memory PGlite, or a scratch database on the PostgreSQL in DATABASE_URL.
 */
export async function startTestServer(
  options: {
    development?: boolean;
    /** Extra catalog entries for this server only (e.g. a local provider a test controls). */
    extraDefinitions?: IntegrationDefinition[];
    /** A fixed port (when a peer must know the callback URL before the server starts); default ephemeral. */
    port?: number;
    /** Proxy tuning: short timeouts and retry delays, an injected DNS resolver. */
    proxy?: AppDeps['proxy'];
    /** The background refresh sweep's interval; default off (0) in tests. */
    refreshSweepMs?: number;
    /** Where logs go (e.g. a capturing pino instance); default silent, or TEST_LOG_LEVEL. */
    logger?: AppDeps['logger'];
    /** Workflows: worker on/off and tuning; default worker on, polling every 50 ms. */
    workflows?: AppDeps['workflows'];
    /** The keyring to seal with (e.g. a file keyring, to rotate keys); default one in-memory key. */
    keyring?: Keyring;
    /** Monitoring webhook delivery: on with these settings; default off in tests. */
    webhooks?: AppDeps['webhooks'];
  } = {},
): Promise<TestServer> {
  const database = await openTestDatabase();
  const development = options.development ?? false;
  const definitions = [
    ...listIntegrationDefinitions().filter((d) => development || !d.local),
    ...(options.extraDefinitions ?? []),
  ];
  const catalog = createCatalogView(definitions);
  const adminKey = `sba_${randomBytes(24).toString('base64url')}`;
  const keyring =
    options.keyring ?? createKeyring({ keys: [{ id: 'test', key: randomBytes(32) }], currentKeyId: 'test' });
  let demo: { projectId: string; privateKeyPem: string } | undefined;
  if (options.development) {
    const project = await createProject(database.db, { name: 'Development' });
    demo = { projectId: project.projectId, privateKeyPem: project.signingKey as string };
    for (const entry of catalog.list())
      await enableIntegration({ db: database.db, catalog, keyring }, project.projectId, { type: entry.type });
    // As ensureDevelopmentProject does: the seed's example workflows on the Sandbox CRM.
    await ensureDemoWorkflows(database.db, project.projectId);
  }
  const app = await buildApp({
    db: database.db,
    catalog,
    definitionOf: (type) => definitions.find((d) => d.type === type),
    logger: options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    adminKey,
    keyring,
    publicUrl: undefined,
    paths: assetPaths(),
    demo,
    development,
    version: 'test',
    ...(options.proxy ? { proxy: options.proxy } : {}),
    refreshSweepMs: options.refreshSweepMs ?? 0,
    workflows: { pollMs: 50, ...options.workflows },
    webhooks: options.webhooks ?? { enabled: false },
  });
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  return {
    url,
    db: database.db,
    databaseUrl: database.url,
    catalog,
    adminKey,
    keyring,
    definitionOf: (type) => definitions.find((d) => d.type === type),
    async createProject(name = 'Test project') {
      const created = await createProject(database.db, { name });
      const signingKey = created.signingKey as string;
      return {
        ...created,
        signingKey,
        token: async (userId, ttlSeconds = 3600) =>
          (await signUserToken({ privateKeyPem: signingKey, userId, ttlSeconds })).token,
        enable: async (...types) => {
          for (const type of types)
            await enableIntegration({ db: database.db, catalog, keyring }, created.projectId, { type });
        },
        integrationId: integrationIdOf,
        async connect(sub, options = {}) {
          const integrationId = await integrationIdOf(options.type ?? 'slack');
          const user = await upsertConnectedUser(database.db, {
            id: randomUUID(),
            projectId: created.projectId,
            externalId: sub,
          });
          const credential = await insertCredential(database.db, {
            id: randomUUID(),
            projectId: created.projectId,
            integrationId,
            connectedUserId: user.id,
            status: 'VALID',
            providerId: options.providerId ?? 'T123',
            providerData: options.providerData ?? { teamName: 'Acme HQ' },
            defaultConfiguration: { id: randomUUID() },
          });
          return {
            integrationId,
            credentialId: credential.id,
            configurationId: credential.configurations[0]!.id,
            credential,
            token: (await signUserToken({ privateKeyPem: signingKey, userId: sub, ttlSeconds: 3600 })).token,
          };
        },
      };

      async function integrationIdOf(type: string): Promise<string> {
        const row = await database.db
          .selectFrom('integrations')
          .select('id')
          .where('projectId', '=', created.projectId)
          .where('type', '=', type)
          .executeTakeFirstOrThrow();
        return row.id;
      }
    },
    async close() {
      await closeGracefully(app, 1_000);
      await database.close();
    },
  };
}

/** fetch against the test server, with a bearer token and JSON body when given. */
export async function call(
  server: { url: string },
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response shapes
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined
      ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
      : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body, headers: response.headers };
}
