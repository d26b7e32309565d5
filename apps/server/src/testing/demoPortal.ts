import type { Browser, Frame, Page } from 'playwright-core';

/**
 * Browser-test steps on the demo page: open it signed in as the sample user, and open the Connect
 * Portal for an integration through its Connect/Manage button. `problems` collects page errors and
 * CSP violations, which every test expects to stay empty.
 */
export async function openDemo(
  browser: Browser,
  serverUrl: string,
): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' && /Content Security Policy|Uncaught|Refused/i.test(text)) {
      problems.push(`console: ${text}`);
    }
  });
  await page.goto(`${serverUrl}/demo/`);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 20_000 });
  return { page, problems };
}

/** Clicks the demo's Connect/Manage button for `type` and waits until the portal is shown. */
export async function openPortal(page: Page, type: string): Promise<Frame> {
  await page.click(`[data-testid="connect-${type}"]`);
  await page.waitForSelector('#paragon-connect-frame', { state: 'visible', timeout: 15_000 });
  const frame = page.frame({ url: /\/ui\/\?projectId=/ });
  if (!frame) throw new Error('no portal frame');
  await frame.waitForSelector('[data-testid="portal"]');
  return frame;
}
