import { AppError } from '@switchboard/contracts';
import { fetch as undiciFetch } from 'undici';
import type { UpstreamDispatchers } from '../proxy/upstreamDispatcher';
import { privateAddressErrorOf } from '../proxy/upstreamDispatcher';

/**
 * The `fetch` that plain HTTP `request` steps send with. A workflow's URL is templated from trigger
 * payloads, step outputs and User Settings, so without a guard an App Event could make the server call
 * its own loopback, the operator's network or the cloud metadata service (169.254.169.254). Outside
 * development mode it goes out through the proxy's `public` pool, which refuses loopback, private and
 * reserved addresses whether the host is an IP literal or a name (checked in the DNS lookup, so the
 * checked addresses are the ones connected to; redirects go through the same pool). In development
 * mode (`allowPrivateAddresses`, the same rule as webhook destinations) it uses the unguarded `local`
 * pool so a workflow can call a server on the developer's machine. Tests inject a resolver through the
 * dispatchers (createUpstreamDispatchers({ lookup })), as for the proxy.
 *
 * A refusal rejects with an AppError (403 PROXY_DESTINATION_REFUSED), which the engine records as a
 * non-retryable step failure with this message; any other network error rejects as fetch does.
 */
export function createGuardedFetch(options: {
  dispatchers: Pick<UpstreamDispatchers, 'public' | 'local'>;
  allowPrivateAddresses: boolean;
}): typeof globalThis.fetch {
  const dispatcher = options.allowPrivateAddresses ? options.dispatchers.local : options.dispatchers.public;
  const guarded = async (input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit) => {
    try {
      // undici's own fetch, since a dispatcher from the undici package cannot be handed to Node's
      // bundled one; its Request/Response types differ from the DOM ones only nominally.
      return await undiciFetch(
        input as Parameters<typeof undiciFetch>[0],
        { ...init, dispatcher } as Parameters<typeof undiciFetch>[1],
      );
    } catch (error) {
      const refused = privateAddressErrorOf(error);
      if (!refused) throw error;
      const resolved =
        refused.address === undefined || refused.address === refused.host
          ? ''
          : ` (it resolves to ${refused.address})`;
      throw new AppError(
        'PROXY_DESTINATION_REFUSED',
        403,
        `Refused to send the request to ${refused.host}${resolved}: it is a loopback, private or reserved address. Request steps may only reach public addresses unless the server runs in development mode.`,
      );
    }
  };
  return guarded as unknown as typeof globalThis.fetch;
}
