import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { LookupFunction } from 'node:net';
import fastifyCors from '@fastify/cors';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { IntegrationDefinition } from '@switchboard/catalog';
import type { Database } from '@switchboard/db';
import type { RunFunction } from '@switchboard/engine';
import type { Keyring } from '@switchboard/vault';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { createAdminAuthenticator } from './auth/adminAuthenticator';
import { createConnectedUserResolver } from './auth/connectedUserResolver';
import { createUserTokenVerifier } from './auth/userTokenVerifier';
import type { CatalogView } from './catalogView';
import { startRefreshSweep } from './credentials/refreshSweep';
import { installErrorHandler } from './errorHandler';
import { startWebhookDelivery, type WebhookDeliveryOptions } from './monitoring/webhookDelivery';
import { createProxyCore } from './proxy/createProxyCore';
import { createProxyFastPath } from './proxy/proxyFastPath';
import type { RetryPolicy } from './proxy/retryPolicy';
import { adminRoutes } from './routes/adminRoutes';
import { assetRoutes } from './routes/assetRoutes';
import { connectRoutes } from './routes/connectRoutes';
import { deployRoutes } from './routes/deployRoutes';
import { executionRoutes } from './routes/executionRoutes';
import { keyRotationRoutes } from './routes/keyRotationRoutes';
import { monitoringEventRoutes } from './routes/monitoringEventRoutes';
import { proxyRoutes } from './routes/proxyRoutes';
import { sdkAccountRoutes } from './routes/sdkAccountRoutes';
import { webhookRoutes } from './routes/webhookRoutes';
import { workflowTriggerRoutes } from './routes/workflowTriggerRoutes';
import { workflowVersionRoutes } from './routes/workflowVersionRoutes';
import { sandboxRoutes } from './sandbox/sandboxRoutes';
import { createGuardedFetch } from './workflows/createGuardedFetch';
import { createWorkflowRuntime } from './workflows/createWorkflowRuntime';
import { createExecutionWatch } from './workflows/executionWatch';

export interface AppDeps {
  db: Kysely<Database>;
  catalog: CatalogView;
  /** The full catalog definitions behind `catalog` (auth details the install flows need). */
  definitionOf(type: string): IntegrationDefinition | undefined;
  logger: FastifyBaseLogger;
  adminKey: string;
  /** Seals and opens every secret at rest. */
  keyring: Keyring;
  /** Explicit public origin; when undefined, links use the request's own scheme and Host. */
  publicUrl: string | undefined;
  paths: { demo: string; sdkDist: string; portal: string };
  demo: { projectId: string; privateKeyPem: string } | undefined;
  /** Development mode: the built-in sandbox provider is served under /sandbox/. */
  development: boolean;
  version: string;
  /** Proxy tuning (tests shorten timeouts and inject a resolver). */
  proxy?: { timeoutMs?: number; retryPolicy?: RetryPolicy; lookup?: LookupFunction };
  /** How often idle credentials are refreshed before they expire; 0 turns the sweep off. Default 60 s. */
  refreshSweepMs?: number;
  /** Workflows: run the worker in this process (default on), and its tuning (tests shorten it). */
  workflows?: {
    worker?: boolean;
    /** Fire Schedule triggers in this process (default on). */
    scheduler?: boolean;
    /** How often the scheduler syncs and fires (default 1 s). */
    schedulerIntervalMs?: number;
    requestWaitMs?: number;
    pollMs?: number;
    leaseMs?: number;
    /** Executions the in-process worker drives at once (default 32). */
    concurrency?: number;
    /** The first step retry's back-off (default 10 s, doubling per retry); tests shorten it. */
    retryBaseDelayMs?: number;
    /** Let request steps reach loopback/private addresses (default: development servers only). */
    allowPrivateAddresses?: boolean;
    /** The function step runner (default: createFunctionRunner()). */
    runFunction?: RunFunction;
    /** PostgreSQL: the worker LISTENs here for executions queued by other processes. */
    listenUrl?: string;
    /** The embedded database: release every lease at start (its previous process died holding them). */
    releaseLeasesAtStart?: boolean;
  };
  /** Monitoring webhooks: the delivery loop (default on) and its tuning (tests shorten it). */
  webhooks?: WebhookDeliveryOptions;
}

/** Request bodies above this are refused with 413 (the proxy, later, sets its own limit). */
const BODY_LIMIT_BYTES = 1024 * 1024;

/** Builds the HTTP API. Pure composition: every dependency comes in through `deps`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // Bodiless proxy calls are answered before Fastify routing (proxy/proxyFastPath.ts); set below.
  let proxyFastPath: ((request: IncomingMessage, response: ServerResponse) => boolean) | undefined;
  const app = Fastify({
    loggerInstance: deps.logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: false,
    serverFactory: (handler) =>
      createServer((request, response) => {
        if (!proxyFastPath?.(request, response)) handler(request, response);
      }),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);

  // The official client sends `Content-Type: application/json` on GET/DELETE/POST with no body;
  // Fastify's default parser refuses an empty JSON body, so an empty body parses as "no body".
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    parseJson(request, body as string, done);
  });

  app.addHook('onResponse', async (request, reply) => {
    if (request.log.level !== 'debug' && request.log.level !== 'trace') return;
    request.log.debug(
      {
        method: request.method,
        url: request.routeOptions.url,
        status: reply.statusCode,
        ms: reply.elapsedTime,
      },
      'request',
    );
  });

  // Bearer tokens, never cookies: any origin may call; preflights reflect the requested headers
  // (the proxy and workflow() routes forward app-defined headers).
  await app.register(fastifyCors, {
    origin: true,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    maxAge: 600,
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Switchboard API',
        version: deps.version,
        description:
          'The Paragon Connect compatible SDK API (User Token auth) and the admin API (instance admin key or project API key).',
      },
      components: {
        securitySchemes: {
          userToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'RS256 User Token' },
          adminKey: { type: 'http', scheme: 'bearer', description: 'Instance admin key' },
          projectApiKey: { type: 'http', scheme: 'bearer', description: "The project's API key" },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const originOf = (request: Pick<FastifyRequest, 'protocol' | 'host'>) =>
    deps.publicUrl ?? `${request.protocol}://${request.host}`;
  const verifier = createUserTokenVerifier({ db: deps.db });
  const resolveConnectedUser = createConnectedUserResolver({ db: deps.db, verifier });
  const admin = createAdminAuthenticator({ db: deps.db, adminKey: deps.adminKey });
  const proxyCore = createProxyCore({
    db: deps.db,
    catalog: deps.catalog,
    keyring: deps.keyring,
    definitionOf: deps.definitionOf,
    logger: deps.logger,
    ...(deps.proxy ? { proxy: deps.proxy } : {}),
  });
  const { activeIntegrations, credentials, tokens, dispatchers } = proxyCore;
  const onCredentialsChanged = (userId: string) => credentials.invalidateUser(userId);
  let stopSweep: (() => Promise<void>) | undefined;
  const sweepMs = deps.refreshSweepMs ?? 60_000;
  if (sweepMs > 0) {
    // The sweep needs this server's origin (local entries' token URLs), known once it listens.
    app.addHook('onListen', async () => {
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      stopSweep = startRefreshSweep({
        db: deps.db,
        tokens,
        definitionOf: deps.definitionOf,
        logger: deps.logger,
        origin: deps.publicUrl ?? `http://127.0.0.1:${port}`,
        intervalMs: sweepMs,
      });
    });
  }
  // Workflows: the in-process worker (unless SWITCHBOARD_WORKER=0) drives executions; integration
  // steps go through the proxy core as the execution's user. Stopped before the upstream dispatchers
  // close, so no step fails on a closed dispatcher.
  const watch = createExecutionWatch();
  const workflows = createWorkflowRuntime({
    db: deps.db,
    logger: deps.logger,
    proxyCall: proxyCore.call,
    // Plain HTTP `request` steps: refused on private addresses outside development mode.
    fetch: createGuardedFetch({
      dispatchers,
      allowPrivateAddresses: deps.workflows?.allowPrivateAddresses ?? deps.development,
    }),
    ...(deps.workflows?.runFunction ? { runFunction: deps.workflows.runFunction } : {}),
    origin: deps.publicUrl ?? 'http://127.0.0.1',
    worker:
      (deps.workflows?.worker ?? true)
        ? {
            ...(deps.workflows?.pollMs ? { pollMs: deps.workflows.pollMs } : {}),
            ...(deps.workflows?.leaseMs ? { leaseMs: deps.workflows.leaseMs } : {}),
            ...(deps.workflows?.concurrency ? { concurrency: deps.workflows.concurrency } : {}),
            ...(deps.workflows?.retryBaseDelayMs
              ? { retryBaseDelayMs: deps.workflows.retryBaseDelayMs }
              : {}),
          }
        : false,
    scheduler:
      (deps.workflows?.scheduler ?? true)
        ? deps.workflows?.schedulerIntervalMs
          ? { intervalMs: deps.workflows.schedulerIntervalMs }
          : {}
        : false,
    ...(deps.workflows?.listenUrl ? { listenUrl: deps.workflows.listenUrl } : {}),
    ...(deps.workflows?.releaseLeasesAtStart ? { releaseLeasesAtStart: true } : {}),
    onSaved: (id) => watch.notify(id),
  });
  const onQueued = () => workflows.wake();
  app.addHook('onListen', async () => {
    const address = app.server.address();
    if (!deps.publicUrl && typeof address === 'object' && address)
      workflows.setOrigin(`http://127.0.0.1:${address.port}`);
    await workflows.start();
  });
  app.addHook('onClose', async () => {
    await stopSweep?.();
    await workflows.stop();
    await dispatchers.close();
  });

  await app.register(
    sdkAccountRoutes({
      db: deps.db,
      catalog: deps.catalog,
      activeIntegrations,
      keyring: deps.keyring,
      definitionOf: deps.definitionOf,
      fetch: globalThis.fetch,
      tokens,
      resolveConnectedUser,
      originOf,
      onCredentialsChanged,
    }),
  );
  await app.register(
    adminRoutes({
      db: deps.db,
      catalog: deps.catalog,
      activeIntegrations,
      keyring: deps.keyring,
      admin,
      verifier,
    }),
  );
  await app.register(keyRotationRoutes({ db: deps.db, keyring: deps.keyring, admin }));
  await app.register(
    connectRoutes({
      db: deps.db,
      keyring: deps.keyring,
      definitionOf: deps.definitionOf,
      resolveConnectedUser,
      originOf,
      // Domain-separated inside createOAuthNonceCookie; every process of an instance shares the admin key.
      nonceSecret: deps.adminKey,
      fetch: globalThis.fetch,
      onCredentialsChanged,
      onQueued,
    }),
  );
  const proxyCall = proxyCore.call;
  await app.register(proxyRoutes({ call: proxyCall, resolveConnectedUser, originOf }));
  proxyFastPath = createProxyFastPath({
    call: proxyCall,
    resolveConnectedUser,
    // As originOf for Fastify requests: trustProxy is off, so the scheme is this server's (http).
    originOf: (request) => deps.publicUrl ?? `http://${request.headers.host ?? ''}`,
    logger: deps.logger,
  });
  await app.register(monitoringEventRoutes({ db: deps.db, admin }));
  await app.register(
    webhookRoutes({
      db: deps.db,
      admin,
      keyring: deps.keyring,
      allowHttp: deps.webhooks?.allowHttp ?? deps.development,
    }),
  );
  // Monitoring webhooks: deliveries are rows (created with each monitoring event); this loop sends them.
  if (deps.webhooks?.enabled ?? true) {
    const webhookOptions = {
      ...(deps.proxy?.lookup ? { lookup: deps.proxy.lookup } : {}),
      ...deps.webhooks,
    };
    let webhookLoop: { stop(): Promise<void> } | undefined;
    app.addHook('onListen', async () => {
      webhookLoop = startWebhookDelivery({
        db: deps.db,
        keyring: deps.keyring,
        logger: deps.logger,
        development: deps.development,
        options: webhookOptions,
      });
    });
    app.addHook('onClose', async () => {
      await webhookLoop?.stop();
    });
  }

  await app.register(
    workflowTriggerRoutes({
      db: deps.db,
      resolveConnectedUser,
      onQueued,
      watch,
      requestWaitMs: deps.workflows?.requestWaitMs ?? 55_000,
    }),
  );
  await app.register(workflowVersionRoutes({ db: deps.db, admin }));
  await app.register(executionRoutes({ db: deps.db, admin, onQueued }));
  await app.register(deployRoutes({ db: deps.db, admin }));
  if (deps.development) await app.register(sandboxRoutes({ db: deps.db }));
  await app.register(
    assetRoutes({ db: deps.db, catalog: deps.catalog, paths: deps.paths, demo: deps.demo, originOf }),
  );
  return app;
}
