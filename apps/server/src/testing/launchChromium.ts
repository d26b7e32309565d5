import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Debian's Chromium is a prerequisite of the browser tests (`.ci/run` installs it; a browser is never
 * downloaded). Outside CI a machine without it skips them; in CI a missing browser is a failure.
 */
export const chromiumAvailable = existsSync(CHROMIUM_PATH) || process.env.CI === 'true';

/** Headless Chromium with the flags this machine needs; Playwright gives each launch a fresh profile. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
