import type { LookupFunction } from 'node:net';
import type { IntegrationDefinition } from '@switchboard/catalog';
import type { Database } from '@switchboard/db';
import type { Keyring } from '@switchboard/vault';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { CatalogView } from '../catalogView';
import { type CredentialCache, createCredentialCache } from '../credentials/credentialCache';
import { createTokenRefresher, type TokenRefresher } from '../credentials/tokenRefresher';
import { type ActiveIntegrationsCache, createActiveIntegrationsCache } from '../sdk/activeIntegrationsCache';
import { createProxyCall, type ProxyAnswer, type ProxyRequest } from './createProxyCall';
import type { RetryPolicy } from './retryPolicy';
import { createUpstreamDispatchers, type UpstreamDispatchers } from './upstreamDispatcher';

export interface ProxyCoreDeps {
  db: Kysely<Database>;
  catalog: CatalogView;
  keyring: Keyring;
  definitionOf(type: string): IntegrationDefinition | undefined;
  logger: FastifyBaseLogger;
  /** Proxy tuning (tests shorten timeouts and inject a resolver). */
  proxy?: { timeoutMs?: number; retryPolicy?: RetryPolicy; lookup?: LookupFunction };
}

/** What proxies a call to a provider as a Connected User, and the caches and pools behind it. */
export interface ProxyCore {
  activeIntegrations: ActiveIntegrationsCache;
  credentials: CredentialCache;
  tokens: TokenRefresher;
  dispatchers: UpstreamDispatchers;
  call(request: ProxyRequest): Promise<ProxyAnswer>;
}

/**
 * The proxy core without any HTTP front: the server's proxy routes and the workflow worker's
 * integration steps (in the server or in a `switchboard worker` process) share one per process.
 * The caller closes `dispatchers` after everything that sends through them has stopped.
 */
export function createProxyCore(deps: ProxyCoreDeps): ProxyCore {
  const activeIntegrations = createActiveIntegrationsCache({ db: deps.db, catalog: deps.catalog });
  const credentials = createCredentialCache({ db: deps.db });
  const tokens = createTokenRefresher({
    db: deps.db,
    keyring: deps.keyring,
    fetch: globalThis.fetch,
    logger: deps.logger,
  });
  const dispatchers = createUpstreamDispatchers(deps.proxy?.lookup ? { lookup: deps.proxy.lookup } : {});
  const call = createProxyCall({
    activeIntegrations,
    credentials,
    tokens,
    dispatchers,
    definitionOf: deps.definitionOf,
    ...(deps.proxy?.timeoutMs ? { timeoutMs: deps.proxy.timeoutMs } : {}),
    ...(deps.proxy?.retryPolicy ? { retryPolicy: deps.proxy.retryPolicy } : {}),
  });
  return { activeIntegrations, credentials, tokens, dispatchers, call };
}
