import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FakeSwitchboard, startFakeSwitchboard } from './fakeSwitchboardServer';
import { ConnectClient, paragon, switchboard } from './index';
import { futureExp, makeIntegrations, makeMeResponse, makeUserToken, projectId } from './wireFixtures';

const token = makeUserToken({ sub: 'user-1', exp: futureExp() });
let server: FakeSwitchboard;

beforeAll(async () => {
  server = await startFakeSwitchboard({
    projectId,
    users: new Map([[token, makeMeResponse('user-1')]]),
    integrations: makeIntegrations(),
  });
});
afterAll(() => server.close());

describe('the default client', () => {
  test('paragon and switchboard are one ConnectClient', () => {
    expect(paragon).toBe(switchboard);
    expect(paragon).toBeInstanceOf(ConnectClient);
  });

  test('destructured methods work (bound), with the global fetch', async () => {
    const { configureGlobal, authenticate, getUser, getIntegrationMetadata, getVersion } = paragon;
    configureGlobal({ host: server.url });
    await authenticate(projectId, token);
    expect(getUser()).toMatchObject({ authenticated: true, userId: 'user-1' });
    expect(getIntegrationMetadata().map((metadata) => metadata.type)).toEqual(['salesforce', 'slack']);
    expect(getVersion()).toBe('0.1.0');
    configureGlobal({ host: server.url });
  });
});

describe('the script-tag build', () => {
  test('sets window.paragon and window.switchboard and works without Node globals', async () => {
    const result = await esbuild.build({
      entryPoints: [fileURLToPath(new URL('./browserGlobal.ts', import.meta.url))],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).not.toContain('zod');
    // A browser-like global: no process, Buffer or require; fetch/structuredClone/atob as in a page.
    const window: Record<string, unknown> = { fetch, structuredClone, atob, TextDecoder, URL, console };
    window.window = window;
    createContext(window);
    runInContext(code, window);
    expect(window.paragon).toBe(window.switchboard);
    const sdk = window.paragon as ConnectClient;
    sdk.configureGlobal({ host: server.url });
    await sdk.authenticate(projectId, token);
    expect(sdk.getUser()).toMatchObject({ authenticated: true, userId: 'user-1' });
  });
});
