import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openCredentialSecrets } from '../connect/credentialSecrets';
import { findRepoRoot } from '../repoPaths';
import { openDemo, openPortal } from '../testing/demoPortal';
import { chromiumAvailable, launchChromium } from '../testing/launchChromium';
import { call, startTestServer, type TestServer } from '../testing/startTestServer';

const artifacts = join(findRepoRoot(), 'test-artifacts', 'sandbox-journey');

/*
 * A newcomer's first run, in one go: the demo page → connect('sandbox') → the Connect Portal → the
 * popup → the sandbox's consent page → connected (in the portal and in getUser()) → a workflow
 * toggled and a User Setting changed (both read back through REST) → disconnect, which also revokes
 * the grant at the sandbox. A screenshot of each state goes to test-artifacts/sandbox-journey/.
 */
describe.runIf(chromiumAvailable)('sandbox journey in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let projectId: string;
  let token: string;
  let workflowId: string;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    server = await startTestServer({ development: true });
    browser = await launchChromium();
    const session = await call(server, 'GET', '/demo/session');
    projectId = session.body.projectId;
    token = session.body.token;
    const admin = (method: string, path: string, body: unknown) =>
      call(server, method, `/admin/projects/${projectId}${path}`, { token: server.adminKey, body });
    await admin('POST', '/integrations', {
      type: 'sandbox',
      userSettings: [{ id: 'owner', title: 'Contact owner', type: 'EMAIL', required: true }],
    });
    workflowId = (
      await admin('POST', '/workflows', { integration: 'sandbox', description: 'Sync new contacts' })
    ).body.id;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('connect → consent → toggle a workflow → change a setting → disconnect', async () => {
    const { page, problems } = await openDemo(browser, server.url);
    await page.screenshot({ path: join(artifacts, '1-demo.png') });
    const frame = await openPortal(page, 'sandbox');
    await frame.waitForSelector('[data-testid="portal-connect"]:not([disabled])');
    await page.screenshot({ path: join(artifacts, '2-portal.png') });

    const popupOpened = page.waitForEvent('popup');
    await frame.click('[data-testid="portal-connect"]');
    const popup = await popupOpened;
    await popup.waitForSelector('#sandbox-allow', { timeout: 15_000 });
    await popup.screenshot({ path: join(artifacts, '3-consent.png') });
    await popup.click('#sandbox-allow');

    await frame.waitForSelector('[data-testid="portal-disconnect"]', { timeout: 20_000 });
    await page.screenshot({ path: join(artifacts, '4-connected.png') });
    const user = await page.evaluate(() =>
      (
        window as unknown as {
          paragon: {
            getUser(): { integrations: Record<string, { enabled: boolean; credentialId?: string }> };
          };
        }
      ).paragon.getUser(),
    );
    expect(user.integrations.sandbox?.enabled).toBe(true);
    const credentialId = user.integrations.sandbox?.credentialId as string;

    await frame.click(`[data-testid="workflow-toggle-${workflowId}"]`);
    await frame.waitForSelector(`[data-testid="workflow-toggle-${workflowId}"][aria-checked="true"]`);
    await page.screenshot({ path: join(artifacts, '5-workflow-on.png') });

    await frame.fill('[data-testid="setting-owner"]', 'owner@example.com');
    await frame.click('[data-testid="portal-save-settings"]');
    await frame.waitForFunction(
      () => document.querySelector('[data-testid="portal-status"]')?.textContent === 'Settings saved.',
    );
    await page.screenshot({ path: join(artifacts, '6-setting-saved.png') });

    const stored = await call(server, 'GET', `/projects/${projectId}/sdk/credentials/${credentialId}`, {
      token,
    });
    expect(stored.body.configurations[0].workflowSettings[workflowId].enabled).toBe(true);
    expect(stored.body.configurations[0].sharedSettings).toMatchObject({ owner: 'owner@example.com' });

    // The grant is live at the sandbox until the user disconnects.
    const row = await server.db
      .selectFrom('credentialSecrets')
      .select('sealed')
      .where('credentialId', '=', credentialId)
      .executeTakeFirstOrThrow();
    const secrets = openCredentialSecrets(server.keyring, row.sealed);
    if (secrets.kind !== 'oauth2') throw new Error('expected OAuth tokens');
    const sandboxMe = () =>
      fetch(`${server.url}/sandbox/api/me`, { headers: { authorization: `Bearer ${secrets.accessToken}` } });
    expect((await sandboxMe()).status).toBe(200);

    await frame.click('[data-testid="portal-disconnect"]');
    await page.waitForSelector('[data-testid="events-log"] li[data-event="onIntegrationUninstall"]', {
      timeout: 15_000,
    });
    await page.screenshot({ path: join(artifacts, '7-disconnected.png') });
    const me = await call(server, 'GET', `/projects/${projectId}/sdk/me`, { token });
    expect(me.body.integrations.sandbox.allCredentials).toEqual([]);
    expect((await sandboxMe()).status).toBe(401);
    expect(problems).toEqual([]);
  });
});
