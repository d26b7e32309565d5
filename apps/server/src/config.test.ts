import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  test('defaults: embedded database, port 7070, refresh sweep every 60 s', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 7070, databaseUrl: undefined, refreshSweepSeconds: 60 });
  });

  test('SWITCHBOARD_REFRESH_SWEEP_SECONDS: 0 turns the sweep off; nonsense is refused with the reason', () => {
    expect(loadConfig({ SWITCHBOARD_REFRESH_SWEEP_SECONDS: '0' }).refreshSweepSeconds).toBe(0);
    expect(loadConfig({ SWITCHBOARD_REFRESH_SWEEP_SECONDS: '300' }).refreshSweepSeconds).toBe(300);
    expect(() => loadConfig({ SWITCHBOARD_REFRESH_SWEEP_SECONDS: '-1' })).toThrow(ConfigError);
    expect(() => loadConfig({ SWITCHBOARD_REFRESH_SWEEP_SECONDS: '1.5' })).toThrow(
      /SWITCHBOARD_REFRESH_SWEEP_SECONDS: must be a whole number of seconds/,
    );
  });
});
