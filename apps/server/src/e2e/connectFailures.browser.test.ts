import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findRepoRoot } from '../repoPaths';
import { openDemo, openPortal } from '../testing/demoPortal';
import { startFakeProvider } from '../testing/fakeProvider';
import { chromiumAvailable, launchChromium } from '../testing/launchChromium';
import { call, startTestServer, type TestServer } from '../testing/startTestServer';

const artifacts = join(findRepoRoot(), 'test-artifacts', 'connect-failures');

/*
 * The connect flow's bad paths as a user meets them in the Connect Portal: each ends with a clear
 * message in the portal and leaves no half-made credential behind.
 */
describe.runIf(chromiumAvailable)('connect failures in the Connect Portal', () => {
  let provider: Awaited<ReturnType<typeof startFakeProvider>>;
  let server: TestServer;
  let browser: Browser;
  let projectId: string;
  let token: string;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    provider = await startFakeProvider();
    server = await startTestServer({ development: true, extraDefinitions: provider.definitions });
    browser = await launchChromium();
    const session = await call(server, 'GET', '/demo/session');
    projectId = session.body.projectId;
    token = session.body.token;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await provider?.close();
  });

  async function openPortalFor(type: string): Promise<{ page: Page; frame: Frame }> {
    const { page } = await openDemo(browser, server.url);
    return { page, frame: await openPortal(page, type) };
  }

  const credentialsOf = async (type: string) =>
    (await call(server, 'GET', `/projects/${projectId}/sdk/me`, { token })).body.integrations[type]
      .allCredentials as unknown[];

  /** The demo shows the rejection of its `connect()` promise: the SDK's onError reached the app. */
  async function expectAppToldOfFailure(page: Page) {
    await page.waitForFunction(
      () => document.querySelector('#status')?.textContent?.startsWith('Could not connect'),
      undefined,
      {
        timeout: 10_000,
      },
    );
  }

  const statusText = (frame: Frame) => frame.textContent('[data-testid="portal-status"]');

  test('an API key the provider refuses: a clear message, nothing stored; then a good key connects', async () => {
    const { page, frame } = await openPortalFor('fakekey');
    await frame.fill('[data-testid="connect-apiKey"]', 'bad-key');
    await frame.click('[data-testid="portal-connect"]');
    await frame.waitForFunction(() =>
      /refused|rejected/i.test(document.querySelector('[data-testid="portal-status"]')?.textContent ?? ''),
    );
    await page.screenshot({ path: join(artifacts, '1-api-key-refused.png') });
    await expectAppToldOfFailure(page);
    expect(await credentialsOf('fakekey')).toEqual([]);

    await frame.fill('[data-testid="connect-apiKey"]', 'good-key');
    await frame.click('[data-testid="portal-connect"]');
    await frame.waitForSelector('[data-testid="portal-disconnect"]', { timeout: 15_000 });
    await page.screenshot({ path: join(artifacts, '2-api-key-connected.png') });
    expect(await credentialsOf('fakekey')).toHaveLength(1);
    await page.close();
  });

  test('closing the sign-in window: a clear message, no credential', async () => {
    const { page, frame } = await openPortalFor('sandbox');
    const popupOpened = page.waitForEvent('popup');
    await frame.click('[data-testid="portal-connect"]');
    const popup = await popupOpened;
    await popup.waitForSelector('#sandbox-allow', { timeout: 15_000 });
    await popup.close();
    await frame.waitForFunction(
      () => /closed/i.test(document.querySelector('[data-testid="portal-status"]')?.textContent ?? ''),
      undefined,
      { timeout: 15_000 },
    );
    await page.screenshot({ path: join(artifacts, '3-popup-closed.png') });
    await expectAppToldOfFailure(page);
    expect(await credentialsOf('sandbox')).toEqual([]);
    await page.close();
  });

  test('denied consent: a clear message, no credential', async () => {
    const { page, frame } = await openPortalFor('sandbox');
    const popupOpened = page.waitForEvent('popup');
    await frame.click('[data-testid="portal-connect"]');
    const popup = await popupOpened;
    await popup.waitForSelector('#sandbox-deny', { timeout: 15_000 });
    await popup.click('#sandbox-deny');
    await frame.waitForFunction(
      () => /not granted/i.test(document.querySelector('[data-testid="portal-status"]')?.textContent ?? ''),
      undefined,
      { timeout: 15_000 },
    );
    expect(await statusText(frame)).toContain('Access was not granted');
    await page.screenshot({ path: join(artifacts, '4-consent-denied.png') });
    await expectAppToldOfFailure(page);
    expect(await credentialsOf('sandbox')).toEqual([]);
    await page.close();
  });

  test('a provider whose token endpoint answers with an HTML page: a clear message, no credential', async () => {
    provider.set({ tokenMode: 'html' });
    try {
      const { page, frame } = await openPortalFor('fakeoauth');
      await frame.click('[data-testid="portal-connect"]');
      await frame.waitForFunction(
        () =>
          /instead of JSON/i.test(document.querySelector('[data-testid="portal-status"]')?.textContent ?? ''),
        undefined,
        { timeout: 15_000 },
      );
      await page.screenshot({ path: join(artifacts, '5-provider-error.png') });
      await expectAppToldOfFailure(page);
      expect(await credentialsOf('fakeoauth')).toEqual([]);
      await page.close();
    } finally {
      provider.set({ tokenMode: 'ok' });
    }
  });
});
