import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  assertPublicHost,
  createGuardedLookup,
  isPublicAddress,
  PrivateAddressError,
} from './publicAddress.js';

describe('isPublicAddress', () => {
  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '100.63.255.255', // just below 100.64/10
    '100.128.0.0', // just above
    '126.255.255.255',
    '128.0.0.0',
    '169.253.255.255',
    '172.15.255.255',
    '172.32.0.0',
    '192.0.1.255',
    '192.167.255.255',
    '192.169.0.0',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '2001:200::1', // just outside 2001::/23
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8', // IPv4-mapped: judged as 8.8.8.8
    '::ffff:808:808',
    '64:ff9b::808:808', // NAT64 of 8.8.8.8
    '2002:808:808::1', // 6to4 of 8.8.8.8
  ])('%s is public', (ip) => {
    expect(isPublicAddress(ip)).toBe(true);
  });

  it.each([
    '0.0.0.0',
    '0.255.255.255',
    '10.0.0.1',
    '10.255.255.255',
    '100.64.0.1',
    '100.127.255.255',
    '127.0.0.1',
    '127.255.255.254',
    '169.254.169.254', // cloud metadata
    '172.16.0.1',
    '172.31.255.255',
    '192.0.0.8',
    '192.0.2.1',
    '192.88.99.1',
    '192.168.1.1',
    '198.18.0.1',
    '198.19.255.255',
    '198.51.100.7',
    '203.0.113.9',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '0:0:0:0:0:0:0:1',
    '::127.0.0.1', // deprecated IPv4-compatible
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::7f00:1', // NAT64 of 127.0.0.1
    '64:ff9b::169.254.169.254',
    '64:ff9b:1::808:808', // local-use NAT64, whatever it embeds
    '100::1',
    '2001::1', // Teredo
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    '2001:1ff:ffff::1', // end of 2001::/23
    '2001:db8::1',
    '2002:7f00:1::1', // 6to4 of 127.0.0.1
    '2002:c0a8:101::1', // 6to4 of 192.168.1.1
    '3fff::1',
    'fc00::1',
    'fd12:3456:789a::1',
    'fe80::1',
    'FE80::1',
    'fe80::1%eth0',
    'febf:ffff::1',
    'fec0::1',
    'ff02::1',
  ])('%s is not public', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });

  it.each(['', 'localhost', 'example.com', '1.2.3', '01.2.3.4', '256.1.1.1', '[::1]', '::1::', '8.8.8.8 '])(
    'non-IP %j is not public',
    (input) => {
      expect(isPublicAddress(input)).toBe(false);
    },
  );
});

describe('PrivateAddressError', () => {
  it('carries a code, the host and the address, and says why', () => {
    const error = new PrivateAddressError('api.example.test', '10.0.0.7');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PrivateAddressError');
    expect(error.code).toBe('ESWITCHBOARD_PRIVATE_ADDRESS');
    expect(error.host).toBe('api.example.test');
    expect(error.address).toBe('10.0.0.7');
    expect(error.message).toBe(
      'Refused to connect to api.example.test: it resolves to 10.0.0.7, a loopback, private or reserved address, which only the local sandbox integration may reach.',
    );
  });

  it('does not repeat a literal', () => {
    expect(new PrivateAddressError('127.0.0.1').message).toBe(
      'Refused to connect to 127.0.0.1: it is a loopback, private or reserved address, which only the local sandbox integration may reach.',
    );
  });
});

type Answer = { error?: NodeJS.ErrnoException; result?: string | LookupAddress[]; family?: number };

/** A resolver that records what it was asked and answers `answer`. */
function fakeResolver(answer: Answer) {
  const asked: Array<{ hostname: string; options: LookupOptions }> = [];
  const resolve: LookupFunction = (hostname, options, callback) => {
    asked.push({ hostname, options });
    queueMicrotask(() => callback(answer.error ?? null, answer.result ?? [], answer.family));
  };
  return { resolve, asked };
}

function lookupWith(
  lookup: LookupFunction,
  hostname: string,
  options: LookupOptions,
): Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }> {
  return new Promise((resolve) => {
    lookup(hostname, options, (error, address, family) =>
      resolve(family === undefined ? { error, address } : { error, address, family }),
    );
  });
}

describe('createGuardedLookup', () => {
  const publicPair: LookupAddress[] = [
    { address: '2606:4700:4700::1111', family: 6 },
    { address: '1.1.1.1', family: 4 },
  ];

  it('always resolves every address, keeping the other options', async () => {
    const { resolve, asked } = fakeResolver({ result: publicPair });
    await lookupWith(createGuardedLookup(resolve), 'api.example.test', { family: 6, hints: 32 });
    expect(asked).toEqual([{ hostname: 'api.example.test', options: { family: 6, hints: 32, all: true } }]);
  });

  it('passes every address through when asked for all (Node 20 with autoSelectFamily)', async () => {
    const { resolve } = fakeResolver({ result: publicPair });
    const answer = await lookupWith(createGuardedLookup(resolve), 'api.example.test', { all: true });
    expect(answer).toEqual({ error: null, address: publicPair });
  });

  it('answers with the first address and its family when asked for one', async () => {
    const { resolve } = fakeResolver({ result: publicPair });
    const answer = await lookupWith(createGuardedLookup(resolve), 'api.example.test', {});
    expect(answer).toEqual({ error: null, address: '2606:4700:4700::1111', family: 6 });
  });

  it('accepts a resolver that answers with one address despite all: true', async () => {
    const { resolve } = fakeResolver({ result: '1.1.1.1', family: 4 });
    const guarded = createGuardedLookup(resolve);
    expect(await lookupWith(guarded, 'one.example.test', { all: true })).toEqual({
      error: null,
      address: [{ address: '1.1.1.1', family: 4 }],
    });
    const { resolve: private1 } = fakeResolver({ result: '127.0.0.1', family: 4 });
    const refused = await lookupWith(createGuardedLookup(private1), 'one.example.test', {});
    expect(refused.error).toBeInstanceOf(PrivateAddressError);
  });

  it('refuses the host when any address is not public (no partial answers)', async () => {
    const { resolve } = fakeResolver({
      result: [
        { address: '1.1.1.1', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ],
    });
    for (const all of [true, false]) {
      const { error } = await lookupWith(createGuardedLookup(resolve), 'rebind.example.test', { all });
      expect(error).toBeInstanceOf(PrivateAddressError);
      expect(error).toMatchObject({ host: 'rebind.example.test', address: '169.254.169.254' });
    }
  });

  it('passes resolver errors through', async () => {
    const failure: NodeJS.ErrnoException = Object.assign(new Error('getaddrinfo EAI_AGAIN x'), {
      code: 'EAI_AGAIN',
    });
    const { resolve } = fakeResolver({ error: failure });
    expect((await lookupWith(createGuardedLookup(resolve), 'x', { all: true })).error).toBe(failure);
  });

  it('turns an empty answer into ENOTFOUND', async () => {
    const { resolve } = fakeResolver({ result: [] });
    const { error } = await lookupWith(createGuardedLookup(resolve), 'nothing.example.test', {});
    expect(error?.code).toBe('ENOTFOUND');
  });

  it('uses dns.lookup by default (localhost is refused)', async () => {
    const { error } = await lookupWith(createGuardedLookup(), 'localhost', { all: true });
    expect(error).toBeInstanceOf(PrivateAddressError);
  });
});

describe('assertPublicHost', () => {
  it.each([
    'http://[::1]/',
    'http://127.0.0.1/',
    'http://2130706433/', // WHATWG URL: 127.0.0.1
    'http://0x7f.1/', // 127.0.0.1
    'http://127.1/',
    'http://017700000001/', // octal
    'http://0/', // 0.0.0.0
    'https://169.254.169.254/latest/meta-data/',
    'https://10.1.2.3:8443/',
    'http://[::ffff:127.0.0.1]/', // normalised to [::ffff:7f00:1]
    'http://[fd00::1]/',
    'http://[64:ff9b::a00:1]/',
    'http://localhost/',
    'http://LOCALHOST./',
    'http://api.localhost:3000/',
  ])('refuses %s', (url) => {
    expect(() => assertPublicHost(new URL(url))).toThrow(PrivateAddressError);
  });

  it.each([
    'https://api.hubspot.com/crm/v3',
    'https://8.8.8.8/',
    'https://[2606:4700:4700::1111]/',
    'https://localhost.example.com/',
    'https://notlocalhost/',
    'https://internal.example.test/', // a name: judged by the guarded lookup at connect time
  ])('lets %s through', (url) => {
    expect(() => assertPublicHost(new URL(url))).not.toThrow();
  });

  it('names the host as the URL spells it', () => {
    expect(() => assertPublicHost(new URL('http://[::1]:8080/x?token=secret'))).toThrow(
      'Refused to connect to [::1]: it is a loopback',
    );
  });
});
