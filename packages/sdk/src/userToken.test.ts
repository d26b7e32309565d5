import { describe, expect, test } from 'vitest';
import {
  decodeUserTokenPayload,
  expiredTokenMessage,
  malformedTokenMessage,
  readUserTokenClaims,
} from './userToken';
import { makeUserToken } from './wireFixtures';

const now = Date.UTC(2025, 0, 1);
const inAnHour = now / 1000 + 3600;

describe('decodeUserTokenPayload', () => {
  test('returns the payload claims without verifying the signature', () => {
    const token = makeUserToken({ sub: 'user-1', exp: inAnHour, custom: 'é ✓' });
    expect(decodeUserTokenPayload(token)).toEqual({ sub: 'user-1', exp: inAnHour, custom: 'é ✓' });
  });

  test('decodes base64url payloads that use - and _ and need padding', () => {
    const token = makeUserToken({ sub: '~~~???>>>', exp: inAnHour, pad: 'xy' });
    const payloadSegment = token.split('.')[1] ?? '';
    expect(payloadSegment).toMatch(/-/);
    expect(payloadSegment).toMatch(/_/);
    expect(payloadSegment.length % 4).not.toBe(0);
    expect(decodeUserTokenPayload(token)).toEqual({ sub: '~~~???>>>', exp: inAnHour, pad: 'xy' });
  });

  test.each([
    ['not a jwt'],
    ['a.b'],
    ['a.b.c.d'],
    ['header..signature'],
    ['eyJhbGciOiJSUzI1NiJ9.%%%%.sig'],
    [`x.${Buffer.from('not json').toString('base64url')}.sig`],
    [`x.${Buffer.from('[1,2]').toString('base64url')}.sig`],
    [`x.${Buffer.from('null').toString('base64url')}.sig`],
    [`x.${Buffer.from([0xff, 0xfe]).toString('base64url')}.sig`],
  ])('rejects %j as malformed', (token) => {
    expect(() => decodeUserTokenPayload(token)).toThrow(malformedTokenMessage);
  });
});

describe('readUserTokenClaims', () => {
  test('userId is sub; exp is kept', () => {
    expect(readUserTokenClaims({ sub: 'user-1', exp: inAnHour }, now)).toEqual({
      userId: 'user-1',
      exp: inAnHour,
    });
  });

  test('falls back to the id claim like the official client', () => {
    expect(readUserTokenClaims({ id: 42, exp: inAnHour }, now).userId).toBe('42');
  });

  test.each([
    ['missing', {}],
    ['a string', { exp: String(inAnHour) }],
    ['now', { exp: now / 1000 }],
    ['in the past', { exp: now / 1000 - 1 }],
  ])('exp %s → expired', (_label, claims) => {
    expect(() => readUserTokenClaims({ sub: 'user-1', ...claims }, now)).toThrow(expiredTokenMessage);
  });

  test('a token without sub says which claim is missing', () => {
    expect(() => readUserTokenClaims({ exp: inAnHour }, now)).toThrow(/no "sub" claim/);
    expect(() => readUserTokenClaims({ sub: '', exp: inAnHour }, now)).toThrow(/no "sub" claim/);
  });
});
