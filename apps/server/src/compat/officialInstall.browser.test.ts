import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findRepoRoot } from '../repoPaths';
import { chromiumAvailable, launchChromium } from '../testing/launchChromium';
import { startAppOrigin } from '../testing/startAppOrigin';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';

const artifacts = join(findRepoRoot(), 'test-artifacts', 'official-install');

/** The official client, bundled for the page exactly as an app would ship it. */
async function bundleOfficialClient(): Promise<string> {
  const result = await esbuild.build({
    stdin: {
      contents: `import * as M from '@useparagon/connect/ConnectSDK';
        const candidate = M.default && M.default.default ? M.default.default : M.default;
        window.ConnectSDK = candidate;`,
      resolveDir: findRepoRoot(),
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'error',
  });
  return result.outputFiles[0]!.text;
}

const page = `<!doctype html><html><body>
<button id="install">Connect Sandbox CRM</button>
<pre id="result"></pre>
<script src="/official.js"></script>
<script>
  window.setup = async ({ url, projectId, token }) => {
    const env = {};
    for (const key of ['ZEUS', 'HERMES', 'WORKER_PROXY', 'CONNECT', 'DASHBOARD', 'CDN', 'PASSPORT', 'API_TRIGGER_KIT']) env[key + '_PUBLIC_URL'] = url;
    env.PASSPORT_PRODUCTION_URL = url;
    window.sdk = new window.ConnectSDK(env, { skipBootstrapWithLastKnownState: true });
    window.sdk.setHeadless(true);
    await window.sdk.authenticate(projectId, token);
  };
  document.getElementById('install').addEventListener('click', () => {
    window.sdk.installIntegration('sandbox', { oauthTimeout: 60000 }).then(
      (result) => { window.installResult = result; document.getElementById('result').textContent = 'installed ' + result.credentialId; },
      (error) => { window.installError = String(error && error.message || error); document.getElementById('result').textContent = 'error ' + window.installError; },
    );
  });
</script></body></html>`;

describe.runIf(chromiumAvailable)("the official client's installIntegration popup flow, in Chromium", () => {
  let server: TestServer;
  let project: TestProject;
  let app: Awaited<ReturnType<typeof startAppOrigin>>;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    server = await startTestServer({ development: true });
    project = await server.createProject('Official install');
    await project.enable('sandbox');
    app = await startAppOrigin({
      '/': { type: 'text/html', body: page },
      '/official.js': { type: 'text/javascript', body: await bundleOfficialClient() },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await server?.close();
  });

  /** The app page, signed in as `sub` with the official client. */
  async function openAppAs(sub: string) {
    const tab = await browser.newPage();
    await tab.goto(app.url);
    const token = await project.token(sub);
    await tab.evaluate((args) => (window as unknown as { setup(a: unknown): Promise<void> }).setup(args), {
      url: server.url,
      projectId: project.projectId,
      token,
    });
    return { tab, token };
  }

  test('installIntegration → popup → sandbox consent → credential, unchanged client', async () => {
    const { tab, token } = await openAppAs('official-popup-user');

    const popupOpened = tab.waitForEvent('popup');
    await tab.click('#install');
    const popup = await popupOpened;
    await popup.waitForSelector('#sandbox-allow', { timeout: 20_000 });
    await popup.screenshot({ path: join(artifacts, '1-sandbox-consent.png') });
    await popup.click('#sandbox-allow');

    await tab.waitForFunction(() => 'installResult' in window || 'installError' in window, undefined, {
      timeout: 30_000,
    });
    const outcome = await tab.evaluate(() => {
      const w = window as unknown as {
        installResult?: { credentialId: string; integrationType: string };
        installError?: string;
        sdk: { getUser(): { integrations: Record<string, { enabled: boolean; credentialId?: string }> } };
      };
      return { result: w.installResult, error: w.installError, user: w.sdk.getUser().integrations.sandbox };
    });
    await tab.screenshot({ path: join(artifacts, '2-installed.png') });
    expect(outcome.error).toBeUndefined();
    expect(outcome.result?.integrationType).toBe('sandbox');
    expect(outcome.user).toMatchObject({ enabled: true, credentialId: outcome.result?.credentialId });

    const me = await call(server, 'GET', `/projects/${project.projectId}/sdk/me`, { token });
    expect(me.body.integrations.sandbox.allCredentials).toHaveLength(1);
    expect(me.body.integrations.sandbox.allCredentials[0]).toMatchObject({
      status: 'VALID',
      providerData: { workspace: 'sample-workspace' },
    });
  });

  test('installing again without allowMultipleCredentials is refused by the client, as the reference says', async () => {
    const { tab } = await openAppAs('official-popup-user');
    const message = await tab.evaluate(() => {
      try {
        (window as unknown as { sdk: { installIntegration(t: string): unknown } }).sdk.installIntegration(
          'sandbox',
        );
        return 'no error';
      } catch (error) {
        return String((error as Error).message);
      }
    });
    expect(message).toContain('already installed');
  });
});
