import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findRepoRoot } from '../repoPaths';
import { chromiumAvailable, launchChromium } from '../testing/launchChromium';
import { call, startTestServer, type TestServer } from '../testing/startTestServer';

const artifacts = join(findRepoRoot(), 'test-artifacts', 'demo');

describe.runIf(chromiumAvailable)('demo page in Chromium', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    server = await startTestServer({ development: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('signs in the sample user, shows getUser() and the integration list, saves metadata', async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/demo/`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 20_000 });

    expect(await page.textContent('[data-testid="user-id"]')).toBe('sample-user');
    const userJson = JSON.parse((await page.textContent('[data-testid="user-json"]')) ?? '{}');
    expect(userJson).toMatchObject({ authenticated: true, userId: 'sample-user' });
    for (const entry of server.catalog.list()) {
      const item = page.locator(`[data-testid="integration-${entry.type}"]`);
      await expect(item.textContent()).resolves.toContain(entry.name);
      expect(await item.getAttribute('data-connected')).toBe('false');
    }
    await page.screenshot({ path: join(artifacts, '1-signed-in.png'), fullPage: true });

    await page.fill('#meta-name', 'Grace Hopper');
    await page.fill('#meta-email', 'grace@example.com');
    await page.click('#meta-submit');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="user-json"]')?.textContent?.includes('Grace Hopper'),
    );
    await page.screenshot({ path: join(artifacts, '2-metadata-saved.png'), fullPage: true });

    const session = await call(server, 'GET', '/demo/session');
    const me = await call(server, 'GET', `/projects/${session.body.projectId}/sdk/me`, {
      token: session.body.token,
    });
    expect(me.body.meta).toMatchObject({ Name: 'Grace Hopper', Email: 'grace@example.com' });
    expect(pageErrors).toEqual([]);
  });

  test('integration icons load from the server', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/demo/`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 20_000 });
    const broken = await page.$$eval('[data-testid="integration-list"] img', (imgs) =>
      (imgs as HTMLImageElement[])
        .filter((img) => !img.complete || img.naturalWidth === 0)
        .map((img) => img.src),
    );
    expect(await page.$$eval('[data-testid="integration-list"] img', (imgs) => imgs.length)).toBeGreaterThan(
      0,
    );
    expect(broken).toEqual([]);
  });
});
