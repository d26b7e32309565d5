import http from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { fetch, request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PrivateAddressError } from './publicAddress.js';
import {
  createUpstreamDispatchers,
  privateAddressErrorOf,
  type UpstreamDispatchers,
} from './upstreamDispatcher.js';

/** A resolver that answers every name with `address`, in the shape net.connect asks for. */
function resolveEverythingTo(address: string): LookupFunction {
  const family = address.includes(':') ? 6 : 4;
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

/** What a refused request rejects with, or fails the test if it got through. */
async function refusal(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('the request was not refused');
}

describe('createUpstreamDispatchers', () => {
  let server: http.Server;
  let port: number;
  let connections = 0;
  let dispatchers: UpstreamDispatchers;
  let rebinding: UpstreamDispatchers;

  beforeAll(async () => {
    server = http.createServer((req, res) => res.end(`hello from ${req.headers.host}`));
    server.on('connection', () => {
      connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    dispatchers = createUpstreamDispatchers();
    rebinding = createUpstreamDispatchers({ lookup: resolveEverythingTo('127.0.0.1') });
  });
  afterAll(async () => {
    await Promise.all([dispatchers.close(), rebinding.close()]);
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    connections = 0;
  });

  it('public refuses a name that resolves to loopback (localhost through real DNS)', async () => {
    const error = await refusal(request(`http://localhost:${port}/`, { dispatcher: dispatchers.public }));
    // undici rejects with the connector's error itself.
    expect(error).toBeInstanceOf(PrivateAddressError);
    expect(privateAddressErrorOf(error)).toMatchObject({
      code: 'ESWITCHBOARD_PRIVATE_ADDRESS',
      host: 'localhost',
    });
    expect(connections).toBe(0);
  });

  it('public refuses any name that resolves to a private address', async () => {
    const error = await refusal(
      request(`http://api.example.test:${port}/`, { dispatcher: rebinding.public }),
    );
    expect(privateAddressErrorOf(error)).toMatchObject({ host: 'api.example.test', address: '127.0.0.1' });
    expect(connections).toBe(0);
  });

  it('public refuses it over https too (tls.connect takes the same lookup)', async () => {
    const error = await refusal(
      request(`https://api.example.test:${port}/`, { dispatcher: rebinding.public }),
    );
    expect(privateAddressErrorOf(error)?.address).toBe('127.0.0.1');
    expect(connections).toBe(0);
  });

  it.each(['127.0.0.1', '[::1]', '[::ffff:7f00:1]'])(
    'public refuses the IP literal %s, which net.connect never looks up',
    async (host) => {
      const error = await refusal(request(`http://${host}:${port}/`, { dispatcher: dispatchers.public }));
      expect(privateAddressErrorOf(error)).toBeInstanceOf(PrivateAddressError);
      expect(connections).toBe(0);
    },
  );

  it('local connects to what the resolver says, and keeps the connection alive', async () => {
    for (const attempt of [1, 2]) {
      const response = await request(`http://api.example.test:${port}/`, { dispatcher: rebinding.local });
      expect(response.statusCode, `attempt ${attempt}`).toBe(200);
      expect(await response.body.text()).toBe(`hello from api.example.test:${port}`);
      // undici returns the socket to the pool a turn after the body ends; a request sent in the same
      // turn would open a second connection.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(connections).toBe(1);
  });

  it('local reaches the sandbox on 127.0.0.1 with the default resolver', async () => {
    const response = await request(`http://127.0.0.1:${port}/`, { dispatcher: dispatchers.local });
    expect(await response.body.text()).toBe(`hello from 127.0.0.1:${port}`);
  });

  it('close() closes both pools', async () => {
    const closing = createUpstreamDispatchers({ connections: 2 });
    await closing.close();
    expect(closing.public.closed).toBe(true);
    expect(closing.local.closed).toBe(true);
  });
});

describe('privateAddressErrorOf', () => {
  it('unwraps the cause chain (undici fetch wraps it in TypeError: fetch failed)', async () => {
    const dispatchers = createUpstreamDispatchers({ lookup: resolveEverythingTo('10.0.0.1') });
    try {
      const error = await refusal(fetch('http://api.example.test/', { dispatcher: dispatchers.public }));
      expect(error).toBeInstanceOf(TypeError);
      expect(privateAddressErrorOf(error)?.address).toBe('10.0.0.1');
    } finally {
      await dispatchers.close();
    }
  });

  it('returns undefined for other failures', async () => {
    const dispatchers = createUpstreamDispatchers();
    try {
      // Port 1 on loopback: nothing listens, so the connection is refused by the OS.
      const error = await refusal(request('http://127.0.0.1:1/', { dispatcher: dispatchers.local }));
      expect(error).toMatchObject({ code: 'ECONNREFUSED' });
      expect(privateAddressErrorOf(error)).toBeUndefined();
    } finally {
      await dispatchers.close();
    }
    expect(privateAddressErrorOf('nope')).toBeUndefined();
    expect(privateAddressErrorOf(undefined)).toBeUndefined();
  });

  it('stops on a cause cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(privateAddressErrorOf(a)).toBeUndefined();
  });
});
