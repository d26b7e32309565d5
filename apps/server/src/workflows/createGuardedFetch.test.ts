import type { LookupFunction } from 'node:net';
import { AppError } from '@switchboard/contracts';
import { createFunctionRunner, runStep, validateWorkflow } from '@switchboard/engine';
import { type RecordingServer, startRecordingServer } from '@switchboard/engine/testing/startRecordingServer';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createUpstreamDispatchers, type UpstreamDispatchers } from '../proxy/upstreamDispatcher';
import { createGuardedFetch } from './createGuardedFetch';

/*
 * The private-address guard of plain HTTP request steps, against a real local HTTP server. Refusals
 * are decided before any connection (IP literals by the connector, names by the guarded DNS lookup),
 * so the 10.x and 169.254.169.254 cases never send a packet anywhere.
 */

/** Names a test resolves itself: what an attacker-controlled DNS zone could answer. */
const names: Record<string, string> = {
  'metadata.example.test': '169.254.169.254',
  'intranet.example.test': '10.1.2.3',
  'loop.example.test': '127.0.0.1',
  'v6loop.example.test': '::1',
};
const testLookup: LookupFunction = (hostname, options, callback) => {
  const address = names[hostname];
  if (address === undefined) {
    const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
    error.code = 'ENOTFOUND';
    return callback(error, '');
  }
  const family = address.includes(':') ? 6 : 4;
  if (options.all) callback(null, [{ address, family }]);
  else callback(null, address, family);
};

let upstream: RecordingServer;
let dispatchers: UpstreamDispatchers;
let realDns: UpstreamDispatchers;
let port: number;

beforeAll(async () => {
  upstream = await startRecordingServer();
  port = Number(new URL(upstream.url).port);
  dispatchers = createUpstreamDispatchers({ lookup: testLookup });
  realDns = createUpstreamDispatchers();
});
afterAll(async () => {
  await Promise.all([dispatchers.close(), realDns.close()]);
  await upstream.close();
});
beforeEach(() => upstream.reset());

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('the request was not refused');
}

describe('outside development mode', () => {
  const guarded = () => createGuardedFetch({ dispatchers, allowPrivateAddresses: false });

  test.each([
    ['an IPv4 loopback literal', () => `http://127.0.0.1:${port}/x`, '127.0.0.1:'],
    ['an IPv6 loopback literal', () => `http://[::1]:${port}/x`, '::1:'],
    ['a private 10.x literal', () => 'http://10.0.0.7/x', '10.0.0.7:'],
    ['the cloud metadata literal', () => 'http://169.254.169.254/latest/meta-data/', '169.254.169.254:'],
    // The URL parser writes it as ::ffff:7f00:1; the embedded IPv4 address is what is judged.
    ['an IPv4-mapped IPv6 loopback literal', () => `http://[::ffff:127.0.0.1]:${port}/x`, '::ffff:7f00:1:'],
    [
      'a name resolving to the metadata address',
      () => 'http://metadata.example.test/latest',
      'metadata.example.test (it resolves to 169.254.169.254):',
    ],
    [
      'a name resolving to 10.x',
      () => 'https://intranet.example.test/admin',
      'intranet.example.test (it resolves to 10.1.2.3):',
    ],
    [
      'a name resolving to loopback',
      () => `http://loop.example.test:${port}/x`,
      'loop.example.test (it resolves to 127.0.0.1):',
    ],
    [
      'a name resolving to ::1',
      () => `http://v6loop.example.test:${port}/x`,
      'v6loop.example.test (it resolves to ::1):',
    ],
  ])('refuses %s with a 403 that names the host', async (_label, url, named) => {
    const error = await refusal(guarded()(url(), { method: 'POST', body: '{}' }));
    expect(error.code).toBe('PROXY_DESTINATION_REFUSED');
    expect(error.status).toBe(403);
    expect(error.message).toBe(
      `Refused to send the request to ${named} it is a loopback, private or reserved address. Request steps may only reach public addresses unless the server runs in development mode.`,
    );
    expect(upstream.requests).toHaveLength(0);
  });

  test('refuses localhost through the real resolver', async () => {
    const fetch = createGuardedFetch({ dispatchers: realDns, allowPrivateAddresses: false });
    const error = await refusal(fetch(`http://localhost:${port}/x`));
    expect(error.message).toMatch(
      /^Refused to send the request to localhost \(it resolves to (127\.0\.0\.1|::1)\)/,
    );
    expect(upstream.requests).toHaveLength(0);
  });

  test('other network errors are not refusals: an unknown name rejects as fetch does', async () => {
    const error = await guarded()('http://nowhere.example.test/').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(AppError);
  });

  test('a request step to a private address fails at once, not retryable, with the reason', async () => {
    const definition = validateWorkflow({
      integration: 'x',
      description: 'guarded',
      trigger: { type: 'appEvent', event: 'go' },
      steps: [
        { id: 'call', type: 'request', method: 'GET', url: 'http://metadata.example.test/', retries: 5 },
      ],
    });
    const step = definition.steps[0];
    if (!step) throw new Error('no step');
    const outcome = await runStep(
      step,
      { method: 'GET', url: 'http://metadata.example.test/latest', query: {}, headers: {} },
      {
        fetch: guarded(),
        integrationRequest: async () => {
          throw new Error('not used');
        },
        runFunction: createFunctionRunner(),
        now: () => new Date(),
        idempotencyKey: 'e:call',
        integration: 'x',
      },
    );
    expect(outcome).toMatchObject({
      ok: false,
      retryable: false,
      error: {
        code: 'PROXY_DESTINATION_REFUSED',
        status: 403,
        message: expect.stringMatching(/metadata\.example\.test \(it resolves to 169\.254\.169\.254\)/),
      },
    });
  });
});

describe('in development mode', () => {
  test('loopback literals and names reach the local server, with the body and headers as sent', async () => {
    const fetch = createGuardedFetch({ dispatchers: realDns, allowPrivateAddresses: true });
    const byLiteral = await fetch(`http://127.0.0.1:${port}/literal?q=1`, {
      method: 'POST',
      headers: new Headers({ 'content-type': 'application/json', 'idempotency-key': 'k1' }),
      body: JSON.stringify({ n: 1 }),
    });
    expect(byLiteral.status).toBe(200);
    expect(await byLiteral.json()).toEqual({ ok: true });
    const byName = await fetch(new URL(`http://localhost:${port}/named`));
    expect(byName.status).toBe(200);
    expect(upstream.requests.map((r) => [r.method, r.path])).toEqual([
      ['POST', '/literal'],
      ['GET', '/named'],
    ]);
    expect(upstream.requests[0]?.json).toEqual({ n: 1 });
    expect(upstream.requests[0]?.headers['idempotency-key']).toBe('k1');
  });

  test('an injected resolver applies too (the local pool takes the same lookup)', async () => {
    const fetch = createGuardedFetch({ dispatchers, allowPrivateAddresses: true });
    const res = await fetch(`http://loop.example.test:${port}/via-lookup`);
    expect(res.status).toBe(200);
    expect(upstream.requests.map((r) => r.path)).toEqual(['/via-lookup']);
  });
});
