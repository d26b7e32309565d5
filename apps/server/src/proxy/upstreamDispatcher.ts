import net, { type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { createGuardedLookup, isPublicAddress, PrivateAddressError } from './publicAddress.js';

/**
 * The connection pools proxied requests go out through. `public` is for every catalog entry that is
 * not local: it refuses to connect to a loopback, private or reserved address, whether the host is a
 * name (checked in the lookup, so the checked addresses are the ones connected to) or an IP literal
 * (which `net.connect` never looks up, so the connector checks it). `local` has no guard and is only
 * for entries marked `local` (the sandbox on 127.0.0.1).
 */
export type UpstreamDispatchers = {
  public: Agent;
  local: Agent;
  close(): Promise<void>;
};

/** Without a `Keep-Alive: timeout` hint, keep an idle upstream connection this long. */
const keepAliveTimeout = 30_000;

/**
 * `lookup` is the resolver behind both pools (default `dns.lookup`); tests inject one. `connections`
 * caps sockets per upstream origin.
 */
export function createUpstreamDispatchers(
  options: { lookup?: LookupFunction; connections?: number } = {},
): UpstreamDispatchers {
  const pool = {
    keepAliveTimeout,
    keepAliveMaxTimeout: 2 * keepAliveTimeout,
    pipelining: 1,
    connections: options.connections ?? 64,
  };
  const guardedConnect = buildConnector({ lookup: createGuardedLookup(options.lookup) });
  const publicAgent = new Agent({
    ...pool,
    connect(connectOptions, callback) {
      // undici passes IPv6 literals unbracketed; brackets are stripped in case that changes.
      const host = connectOptions.hostname.replace(/^\[(.*)\]$/, '$1');
      if (net.isIP(host) !== 0 && !isPublicAddress(host))
        return callback(new PrivateAddressError(connectOptions.hostname), null);
      guardedConnect(connectOptions, callback);
    },
  });
  const local = new Agent(options.lookup ? { ...pool, connect: { lookup: options.lookup } } : pool);
  return {
    public: publicAgent,
    local,
    async close() {
      await Promise.all([publicAgent.close(), local.close()]);
    },
  };
}

/**
 * The PrivateAddressError behind a failed undici request, if that is why it failed. undici rejects
 * with the connector's error itself today; `cause` chains are followed in case a wrapper (fetch's
 * `TypeError: fetch failed`, an interceptor) puts it there.
 */
export function privateAddressErrorOf(error: unknown): PrivateAddressError | undefined {
  const seen = new Set<unknown>();
  let current = error;
  while (current instanceof Error && !seen.has(current)) {
    if (current instanceof PrivateAddressError) return current;
    seen.add(current);
    current = current.cause;
  }
  return undefined;
}
