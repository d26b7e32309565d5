import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findRepoRoot } from '../repoPaths';
import { chromiumAvailable } from '../testing/launchChromium';
import { type PortalTestBed, startPortalTestBed } from '../testing/portalTestBed';

const artifacts = join(findRepoRoot(), 'test-artifacts', 'connect-failures');

/*
 * The connect flow's bad paths as a user meets them in the Connect Portal: each ends with a clear
 * message in the portal and leaves no half-made credential behind.
 */
describe.runIf(chromiumAvailable)('connect failures in the Connect Portal', () => {
  let bed: PortalTestBed;
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    bed = await startPortalTestBed();
  });
  afterAll(() => bed?.close());
  const openPortalFor = (type: string) => bed.openPortalFor(type);
  const credentialsOf = (type: string) => bed.credentialsOf(type);

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
    bed.provider.set({ tokenMode: 'html' });
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
      bed.provider.set({ tokenMode: 'ok' });
    }
  });
});
