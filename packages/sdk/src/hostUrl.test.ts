import { describe, expect, test } from 'vitest';
import { normalizeHost } from './hostUrl';

describe('normalizeHost', () => {
  test.each([
    ['http://127.0.0.1:7070', 'http://127.0.0.1:7070'],
    ['http://127.0.0.1:7070/', 'http://127.0.0.1:7070'],
    ['https://example.com/switchboard/', 'https://example.com/switchboard'],
    ['HTTPS://Example.COM:443/Prefix', 'https://example.com/Prefix'],
    ['connect.example.com', 'https://connect.example.com'],
    ['example.com:8443', 'https://example.com:8443'],
    ['  localhost:7070  ', 'https://localhost:7070'],
  ])('%j → %j', (host, expected) => {
    expect(normalizeHost(host)).toBe(expected);
  });

  test.each([['ftp://example.com'], ['http://'], ['https://example.com/?x=1'], ['https://example.com/#top']])(
    'rejects %j',
    (host) => {
      expect(() => normalizeHost(host)).toThrow(/host/);
    },
  );
});
