import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { IntegrationDefinition } from '@switchboard/catalog';
import { AppError } from '@switchboard/contracts';
import { type CredentialSecrets as InjectionValues, injectCredential } from '@switchboard/vault';
import type { Dispatcher } from 'undici';
import type { ConnectedUserRef } from '../auth/connectedUserResolver';
import type { CredentialCache } from '../credentials/credentialCache';
import type { OpenedSecrets, RefreshContext, TokenRefresher } from '../credentials/tokenRefresher';
import type { ActiveIntegrationsCache } from '../sdk/activeIntegrationsCache';
import { headerValue, selectCredential } from '../sdk/selectCredential';
import { forwardedHeaders, lowerCaseNames, returnedHeaders } from './proxyHeaders';
import { resolveAllowedBase, resolveProxyUrl } from './proxyTarget';
import { assertPublicHost, PrivateAddressError } from './publicAddress';
import { defaultRetryPolicy, planRetry, type RetryPolicy } from './retryPolicy';
import { sendUpstream } from './sendUpstream';
import type { UpstreamDispatchers } from './upstreamDispatcher';

export interface ProxyCallDeps {
  activeIntegrations: ActiveIntegrationsCache;
  credentials: CredentialCache;
  tokens: TokenRefresher;
  dispatchers: UpstreamDispatchers;
  definitionOf(type: string): IntegrationDefinition | undefined;
  /** Upstream timeout (headers, then between body chunks); default 30 s. */
  timeoutMs?: number;
  retryPolicy?: RetryPolicy;
}

/** One proxied call, as either HTTP front (Fastify route or fast path) received it. */
export interface ProxyRequest {
  user: ConnectedUserRef;
  type: string;
  method: string;
  /** The request target as received (path and query, not decoded): forwarded byte for byte. */
  rawUrl: string;
  headers: IncomingHttpHeaders;
  body: Buffer | undefined;
  /** This server's public origin (templates of local entries). */
  origin: string;
}

/** What to answer: the upstream's status and headers, and a body to send or stream. */
export interface ProxyAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  /** undefined: no body (204, 304, HEAD); a stream: pipe it (large or unknown length). */
  body: Buffer | string | Readable | undefined;
}

/** A UUID's shape; checked before authentication so a malformed id never reaches the database. */
export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A JSON answer is parsed to be wrapped as `{ output }` only up to this size; larger ones stream raw. */
const WRAP_LIMIT_BYTES = 20 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;
/** Raw answers up to this size (with a Content-Length) are read whole and sent in one write. */
const SMALL_BODY_BYTES = 64 * 1024;
const routePrefix = /^\/projects\/[^/?]+\/sdk\/proxy\/[^/?]+/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The Connect proxy's core (wire protocol 5.5), independent of the HTTP framework: calls the
 * third-party API as the Connected User, with the credential injected the way the catalog entry says.
 * The path and query are forwarded byte for byte and can never leave the entry's allowed hosts.
 * A token about to expire is refreshed first; a 401 refreshes once and retries once; 429/5xx are
 * retried per the retry policy (idempotent methods, or `X-Switchboard-Retry: 1`).
 * Upstream statuses pass through (the official client treats a proxy 401 as "refresh", not logout).
 * Refusals throw AppErrors, raised before anything is sent upstream.
 */
export function createProxyCall(deps: ProxyCallDeps): (request: ProxyRequest) => Promise<ProxyAnswer> {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const policy = deps.retryPolicy ?? defaultRetryPolicy;
  // Per cached credential row (a new row object after each cache reload): its allowed API base URL.
  const bases = new WeakMap<object, { origin: string; url: URL }>();
  // Per opened secrets (a new object after each refresh): the headers that carry them.
  const injected = new WeakMap<OpenedSecrets, Record<string, string>>();

  return async function proxyCall(request: ProxyRequest): Promise<ProxyAnswer> {
    const { user, type, origin } = request;
    const integration = (await deps.activeIntegrations.get(user.projectId)).find((row) => row.type === type);
    const definition = integration ? deps.definitionOf(type) : undefined;
    if (!integration || !definition) {
      throw new AppError(
        'INTEGRATION_NOT_FOUND',
        404,
        `"${type}" is not an active integration of this project.`,
      );
    }
    const credential = selectCredential(
      await deps.credentials.credentialsOf(user.id, integration.id),
      headerValue(request.headers['x-paragon-credential']),
      type,
    );
    if (credential.status === 'INVALID') {
      throw new AppError(
        'CREDENTIAL_INVALID',
        401,
        `The ${definition.name} credential ${credential.id} is no longer valid; the user must reconnect ${definition.name}.`,
      );
    }
    if (credential.status !== 'VALID') {
      throw new AppError(
        'INTEGRATION_NOT_INSTALLED',
        404,
        `The ${type} credential ${credential.id} is ${credential.status}; finish connecting it first.`,
      );
    }

    // Where to send it: refusals happen here, before anything is opened or sent.
    const { rawUrl } = request;
    const queryAt = rawUrl.indexOf('?');
    const rawPathWithPrefix = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const rawQuery = queryAt === -1 ? '' : rawUrl.slice(queryAt);
    const templateValues = { ...credential.inputs, switchboardOrigin: origin };
    const proxyUrl = headerValue(request.headers['x-paragon-proxy-url']);
    let base = bases.get(credential);
    if (proxyUrl === undefined && base?.origin !== origin) {
      base = {
        origin,
        url: resolveAllowedBase({
          definition,
          templateValues,
          providerData: credential.providerData as Record<string, string | number | boolean>,
        }),
      };
      bases.set(credential, base);
    }
    const url = resolveProxyUrl({
      definition,
      base: base?.url,
      rawPath: rawPathWithPrefix.replace(routePrefix, ''),
      rawQuery,
      proxyUrl,
      templateValues,
    });
    if (!definition.local) refusePrivateLiteral(url);

    const context: RefreshContext = { credential, definition, integration, origin };
    let opened = await deps.credentials.secretsOf(credential, deps.tokens.open);
    if (!opened) {
      throw new AppError(
        'INTEGRATION_NOT_INSTALLED',
        404,
        `The ${type} credential ${credential.id} holds no secrets; reconnect it first.`,
      );
    }
    if (deps.tokens.needsRefresh(opened.secrets)) opened = await refresh(context, opened);

    const method = request.method;
    const body = method === 'GET' || method === 'HEAD' ? undefined : request.body;
    const baseHeaders = forwardedHeaders(request.headers, body);
    const dispatcher = definition.local ? deps.dispatchers.local : deps.dispatchers.public;
    const retryHeader = headerValue(request.headers['x-switchboard-retry'])?.toLowerCase();
    let retriesDone = 0;
    let waitedMs = 0;
    let refreshedAfter401 = false;
    for (;;) {
      let credentialHeaders = injected.get(opened);
      if (!credentialHeaders) {
        credentialHeaders = lowerCaseNames(injectCredential(definition, injectionValues(opened)));
        injected.set(opened, credentialHeaders);
      }
      const headers = { ...baseHeaders, ...credentialHeaders };
      const upstream = await sendUpstream({ url, method, headers, body, dispatcher, timeoutMs });
      if (
        upstream.statusCode === 401 &&
        !refreshedAfter401 &&
        deps.tokens.canRefresh(context, opened.secrets)
      ) {
        await upstream.body.dump();
        refreshedAfter401 = true;
        opened = await refresh(context, opened);
        continue;
      }
      const decision =
        retryHeader === '0'
          ? ({ retry: false } as const)
          : planRetry({
              method,
              optIn: retryHeader === '1' || retryHeader === 'true',
              status: upstream.statusCode,
              headers: upstream.headers,
              rateLimit: definition.api.rateLimit,
              retriesDone,
              waitedMs,
              policy,
              nowMs: Date.now(),
              random: Math.random,
            });
      if (decision.retry) {
        await upstream.body.dump();
        await sleep(decision.delayMs);
        retriesDone += 1;
        waitedMs += decision.delayMs;
        continue;
      }
      return deliver(upstream, { method, raw: isRaw(request.headers), host: url.host, retriesDone });
    }
  };

  /** Refreshes the credential single-flight; a revoked one drops the user's cached credentials. */
  async function refresh(context: RefreshContext, stale: OpenedSecrets): Promise<OpenedSecrets> {
    try {
      const fresh = await deps.tokens.refresh(context, stale);
      deps.credentials.remember(context.credential, fresh);
      return fresh;
    } catch (error) {
      if (error instanceof AppError && error.code !== 'CREDENTIAL_REFRESH_FAILED')
        deps.credentials.invalidateUser(context.credential.connectedUserId);
      throw error;
    }
  }

  async function deliver(
    upstream: Dispatcher.ResponseData,
    call: { method: string; raw: boolean; host: string; retriesDone: number },
  ): Promise<ProxyAnswer> {
    const headers = returnedHeaders(upstream.headers);
    if (call.retriesDone > 0) headers['x-switchboard-retries'] = String(call.retriesDone);
    const status = upstream.statusCode;
    const contentType = headerValue(upstream.headers['content-type']);
    if (status === 204 || status === 304 || call.method === 'HEAD') {
      await upstream.body.dump();
      return { status, headers, body: undefined };
    }
    const encoded = headerValue(upstream.headers['content-encoding']);
    const declared = headerValue(upstream.headers['content-length']);
    const length = Number(declared ?? 0);
    const wrap =
      !call.raw &&
      contentType !== undefined &&
      /[/+]json\b/i.test(contentType) &&
      (encoded === undefined || encoded === 'identity') &&
      length <= WRAP_LIMIT_BYTES;
    if (!wrap) {
      // A small answer of known length goes out in one write with its headers; anything else streams.
      if (declared !== undefined && length <= SMALL_BODY_BYTES) {
        return { status, headers, body: Buffer.from(await readBody(upstream, call.host, 'arrayBuffer')) };
      }
      if (declared !== undefined) headers['content-length'] = declared;
      return { status, headers, body: upstream.body };
    }
    const text = await readBody(upstream, call.host, 'text');
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined) return { status, headers, body: text };
    headers['content-type'] = 'application/json; charset=utf-8';
    return { status, headers, body: `{"output":${JSON.stringify(parsed)}}` };
  }
}

async function readBody<K extends 'text' | 'arrayBuffer'>(
  upstream: Dispatcher.ResponseData,
  host: string,
  as: K,
): Promise<K extends 'text' ? string : ArrayBuffer> {
  try {
    return (await upstream.body[as]()) as K extends 'text' ? string : ArrayBuffer;
  } catch {
    throw new AppError(
      'PROVIDER_UNREACHABLE',
      504,
      `The upstream API (${host}) stopped sending its answer midway.`,
    );
  }
}

function injectionValues(opened: OpenedSecrets): InjectionValues {
  const { secrets } = opened;
  return secrets.kind === 'oauth2'
    ? { ...secrets.extraTokens, accessToken: secrets.accessToken }
    : secrets.fields;
}

function refusePrivateLiteral(url: URL): void {
  try {
    assertPublicHost(url);
  } catch (error) {
    if (!(error instanceof PrivateAddressError)) throw error;
    throw new AppError(
      'PROXY_DESTINATION_REFUSED',
      403,
      `Proxy request refused: ${url.hostname} is a private, loopback or reserved address, which only local catalog entries may reach.`,
    );
  }
}

function isRaw(headers: IncomingHttpHeaders): boolean {
  const value = headerValue(headers['x-paragon-use-raw-response'])?.toLowerCase();
  return value === '1' || value === 'true';
}
