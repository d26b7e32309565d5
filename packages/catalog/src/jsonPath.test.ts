import { describe, expect, test } from 'vitest';
import { readJsonPath } from './jsonPath';

describe('readJsonPath', () => {
  const slackTokenResponse = {
    ok: true,
    access_token: 'xoxb-1',
    team: { id: 'T1', name: 'Team' },
    authed_user: { id: 'U1', access_token: 'xoxp-1' },
    scopes: ['a', 'b'],
  };

  test('reads nested properties and array items', () => {
    expect(readJsonPath(slackTokenResponse, 'authed_user.access_token')).toBe('xoxp-1');
    expect(readJsonPath(slackTokenResponse, 'team.id')).toBe('T1');
    expect(readJsonPath(slackTokenResponse, 'scopes.1')).toBe('b');
  });

  test('returns undefined for missing steps and inherited properties', () => {
    expect(readJsonPath(slackTokenResponse, 'enterprise.id')).toBeUndefined();
    expect(readJsonPath(slackTokenResponse, 'access_token.length')).toBeUndefined();
    expect(readJsonPath(slackTokenResponse, 'team.constructor')).toBeUndefined();
    expect(readJsonPath(null, 'a')).toBeUndefined();
  });
});
