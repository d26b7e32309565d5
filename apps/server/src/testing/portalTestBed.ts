import type { Browser, Frame, Page } from 'playwright-core';
import { openDemo, openPortal } from './demoPortal';
import { startFakeProvider } from './fakeProvider';
import { launchChromium } from './launchChromium';
import { call, startTestServer, type TestServer } from './startTestServer';

export interface PortalTestBed {
  provider: Awaited<ReturnType<typeof startFakeProvider>>;
  server: TestServer;
  browser: Browser;
  /** The development project the demo page signs in to, and its sample user's token. */
  projectId: string;
  token: string;
  /** A new demo page with the Connect Portal opened for `type`. */
  openPortalFor(type: string): Promise<{ page: Page; frame: Frame }>;
  /** The sample user's credentials of `type`, read over REST. */
  credentialsOf(type: string): Promise<Array<{ id: string; status: string }>>;
  close(): Promise<void>;
}

/** For portal browser tests against the local fake provider: server, provider and Chromium together. */
export async function startPortalTestBed(): Promise<PortalTestBed> {
  const provider = await startFakeProvider();
  const server = await startTestServer({ development: true, extraDefinitions: provider.definitions });
  const browser = await launchChromium();
  const session = await call(server, 'GET', '/demo/session');
  const projectId = session.body.projectId as string;
  const token = session.body.token as string;
  return {
    provider,
    server,
    browser,
    projectId,
    token,
    async openPortalFor(type) {
      const { page } = await openDemo(browser, server.url);
      return { page, frame: await openPortal(page, type) };
    },
    async credentialsOf(type) {
      return (await call(server, 'GET', `/projects/${projectId}/sdk/me`, { token })).body.integrations[type]
        .allCredentials;
    },
    async close() {
      await browser.close();
      await server.close();
      await provider.close();
    },
  };
}
