import { describe, expect, test } from 'vitest';
import { normalizeUserMeta, userMetaWouldChange } from './userMeta';

describe('normalizeUserMeta', () => {
  test('any-case name and email become Name and Email; other keys are trimmed', () => {
    expect(
      normalizeUserMeta({ name: 'Ada', EMAIL: 'ada@example.com', ' apiKey ': 'k', Plan: 'pro' }),
    ).toEqual({
      Name: 'Ada',
      Email: 'ada@example.com',
      apiKey: 'k',
      Plan: 'pro',
    });
  });

  test('keys are trimmed before the case rule; empty keys are dropped', () => {
    expect(normalizeUserMeta({ ' nAmE ': 'Ada', '  ': 'dropped' })).toEqual({ Name: 'Ada' });
  });

  test('values are kept as given, including nested objects', () => {
    const nested = { tier: { level: 2, tags: ['a'] } };
    expect(normalizeUserMeta(nested)).toEqual(nested);
  });
});

describe('userMetaWouldChange', () => {
  const current = { Name: 'Ada', settings: { tz: 'UTC', flags: [1, 2] } };

  test('false when every key already holds an equal value', () => {
    expect(userMetaWouldChange(current, { Name: 'Ada' })).toBe(false);
    expect(userMetaWouldChange(current, { settings: { flags: [1, 2], tz: 'UTC' } })).toBe(false);
    expect(userMetaWouldChange(current, {})).toBe(false);
  });

  test('true for a new key or a different value at any depth', () => {
    expect(userMetaWouldChange(current, { Email: 'ada@example.com' })).toBe(true);
    expect(userMetaWouldChange(current, { Name: 'Grace' })).toBe(true);
    expect(userMetaWouldChange(current, { settings: { tz: 'UTC', flags: [2, 1] } })).toBe(true);
    expect(userMetaWouldChange(current, { settings: { tz: 'UTC' } })).toBe(true);
    expect(userMetaWouldChange({ list: [] }, { list: {} })).toBe(true);
    expect(userMetaWouldChange({ value: null }, { value: 0 })).toBe(true);
  });
});
