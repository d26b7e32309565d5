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

  test('worker tuning: defaults (8 at once, 30 s leases, 1 s polling), overrides, and clear refusals', () => {
    expect(loadConfig({})).toMatchObject({
      worker: true,
      workerConcurrency: 32,
      workerLeaseSeconds: 30,
      workerPollMs: 1000,
    });
    expect(
      loadConfig({
        SWITCHBOARD_WORKER: '0',
        SWITCHBOARD_WORKER_CONCURRENCY: '16',
        SWITCHBOARD_WORKER_LEASE_SECONDS: '5',
        SWITCHBOARD_WORKER_POLL_MS: '250',
      }),
    ).toMatchObject({ worker: false, workerConcurrency: 16, workerLeaseSeconds: 5, workerPollMs: 250 });
    expect(() => loadConfig({ SWITCHBOARD_WORKER_CONCURRENCY: '0' })).toThrow(
      /SWITCHBOARD_WORKER_CONCURRENCY: /,
    );
    expect(() => loadConfig({ SWITCHBOARD_WORKER_LEASE_SECONDS: '2.5' })).toThrow(
      /SWITCHBOARD_WORKER_LEASE_SECONDS: must be a whole number of seconds/,
    );
    expect(() => loadConfig({ SWITCHBOARD_WORKER_POLL_MS: 'often' })).toThrow(ConfigError);
    expect(() => loadConfig({ SWITCHBOARD_WORKER_POLL_MS: '1' })).toThrow(
      /SWITCHBOARD_WORKER_POLL_MS: at least 10 ms/,
    );
  });
});
