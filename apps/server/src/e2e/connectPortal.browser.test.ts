import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { insertCredential, upsertConnectedUser } from '@switchboard/db';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findRepoRoot } from '../repoPaths';
import { openDemo, openPortal } from '../testing/demoPortal';
import { chromiumAvailable, launchChromium } from '../testing/launchChromium';
import { call, startTestServer, type TestServer } from '../testing/startTestServer';

const artifacts = join(findRepoRoot(), 'test-artifacts', 'portal');

const overview = `## What you can do

Connect **Slack** to:

- get a message in a channel of your choice for every *closed deal*
- see the [Slack API docs](https://api.slack.com)

<script>window.pwned = true</script>`;

const userSettings = [
  { id: 'channel', title: 'Default channel', type: 'TEXT', required: true, placeholder: '#sales' },
  { id: 'maxPerDay', title: 'Messages per day', type: 'NUMBER', min: 1, max: 100 },
  { id: 'mentionOwner', title: 'Mention the deal owner', type: 'BOOLEAN' },
  { id: 'reportTo', title: 'Report email', type: 'EMAIL', subtitle: 'Where weekly summaries go.' },
  { id: 'dashboard', title: 'Dashboard URL', type: 'URL' },
  { id: 'signingSecret', title: 'Signing secret', type: 'PASSWORD' },
  { id: 'footer', title: 'Message footer', type: 'TEXTAREA' },
  {
    id: 'frequency',
    title: 'Frequency',
    type: 'ENUM',
    options: [
      { label: 'Immediately', value: 'now' },
      { label: 'Daily digest', value: 'daily' },
    ],
  },
  { id: 'team', title: 'Team', type: 'CUSTOM_DROPDOWN', dropdownKey: 'teams' },
];

describe.runIf(chromiumAvailable)('Connect Portal in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let projectId: string;
  let token: string;
  let dealsWorkflowId: string;
  let digestWorkflowId: string;

  const admin = (method: string, path: string, body?: unknown) =>
    call(server, method, `/admin/projects/${projectId}${path}`, {
      token: server.adminKey,
      ...(body === undefined ? {} : { body }),
    });

  /** A VALID credential for the demo page's sample user, as the connect flow stores it. */
  async function connectSampleUser(type: string, providerData: Record<string, string>) {
    const integration = await server.db
      .selectFrom('integrations')
      .select('id')
      .where('projectId', '=', projectId)
      .where('type', '=', type)
      .executeTakeFirstOrThrow();
    const user = await upsertConnectedUser(server.db, {
      id: randomUUID(),
      projectId,
      externalId: 'sample-user',
    });
    return insertCredential(server.db, {
      id: randomUUID(),
      projectId,
      integrationId: integration.id,
      connectedUserId: user.id,
      status: 'VALID',
      providerId: 'T123',
      providerData,
      defaultConfiguration: { id: randomUUID() },
    });
  }

  const eventNames = (page: Page) =>
    page.$$eval('[data-testid="events-log"] li', (items) =>
      items.map((item) => (item as HTMLElement).dataset.event).reverse(),
    );

  const status = (frame: Frame) => frame.textContent('[data-testid="portal-status"]');

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    server = await startTestServer({ development: true });
    browser = await launchChromium();
    const session = await call(server, 'GET', '/demo/session');
    projectId = session.body.projectId;
    token = session.body.token;
    expect(
      (
        await admin('POST', '/integrations', {
          type: 'slack',
          overview,
          userSettings,
          accentColor: '#4A154B',
        })
      ).status,
    ).toBe(200);
    const deals = await admin('POST', '/workflows', {
      integration: 'slack',
      description: 'Post closed deals to Slack',
      inputs: [{ id: 'dealChannel', title: 'Channel for deals', type: 'TEXT', required: true }],
    });
    expect(deals.status).toBe(201);
    dealsWorkflowId = deals.body.id;
    const digest = await admin('POST', '/workflows', {
      integration: 'slack',
      description: 'Send a weekly pipeline digest',
    });
    digestWorkflowId = digest.body.id;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('connected account → workflow toggle → User Settings saved → disconnect, with the SDK events', async () => {
    const credential = await connectSampleUser('slack', { teamName: 'Acme HQ' });
    const { page, problems } = await openDemo(browser, server.url);
    expect(await page.getAttribute('[data-testid="integration-slack"]', 'data-connected')).toBe('true');
    await page.evaluate(() =>
      (window as unknown as { paragon: { setDataSources(s: unknown): void } }).paragon.setDataSources({
        dropdowns: {
          teams: [
            { label: 'Sales', value: 'sales' },
            { label: 'Support', value: 'support' },
          ],
        },
      }),
    );

    const frame = await openPortal(page, 'slack');
    expect(await eventNames(page)).toEqual(['onPortalOpen']);
    // Dialog semantics, the integration's look, and the overview rendered as elements.
    const dialog = frame.locator('[data-testid="portal"]');
    expect(await dialog.getAttribute('role')).toBe('dialog');
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    expect(await frame.textContent(`#${await dialog.getAttribute('aria-labelledby')}`)).toBe('Slack');
    await page.screenshot({ path: join(artifacts, '1-connected.png') });
    expect(
      await frame.locator('.dialog__icon').evaluate((img) => (img as HTMLImageElement).naturalWidth),
    ).toBeGreaterThan(0);
    await frame.click('summary');
    expect(await frame.textContent('.markdown h4')).toBe('What you can do');
    expect(await frame.getAttribute('.markdown a', 'rel')).toBe('noopener noreferrer');
    expect(await frame.locator('.markdown script').count()).toBe(0);
    expect(await frame.evaluate(() => (window as unknown as { pwned?: boolean }).pwned)).toBeUndefined();
    const account = await frame.textContent('[data-testid="portal-account"]');
    expect(account).toContain('Acme HQ');
    expect(account).toContain('T123');

    // Workflows: turn one on; its settings appear and save into workflowSettings.
    const toggle = frame.locator(`[data-testid="workflow-toggle-${dealsWorkflowId}"]`);
    expect(await toggle.getAttribute('aria-checked')).toBe('false');
    expect(await frame.locator(`[data-testid="workflow-toggle-${digestWorkflowId}"]`).count()).toBe(1);
    await toggle.click();
    await frame.waitForSelector(`[data-testid="workflow-toggle-${dealsWorkflowId}"][aria-checked="true"]`);
    await page.waitForSelector('[data-testid="events-log"] li[data-event="onWorkflowChange"]');
    await frame.fill(`[data-testid="workflow-${dealsWorkflowId}-setting-dealChannel"]`, '#deals');
    await frame.click(`[data-testid="workflow-save-${dealsWorkflowId}"]`);
    await frame.waitForFunction(() =>
      document.querySelector('[data-testid="portal-status"]')?.textContent?.startsWith('Saved the settings'),
    );
    await page.screenshot({ path: join(artifacts, '2-workflow-on.png') });

    // User Settings: client-side validation first.
    await frame.fill('[data-testid="setting-channel"]', '');
    await frame.fill('[data-testid="setting-maxPerDay"]', '500');
    await frame.fill('[data-testid="setting-reportTo"]', 'not-an-email');
    await frame.fill('[data-testid="setting-dashboard"]', 'example.com');
    await frame.click('[data-testid="portal-save-settings"]');
    expect(await frame.getAttribute('[data-testid="setting-channel"]', 'aria-invalid')).toBe('true');
    expect(await frame.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'setting-channel',
    );
    const errors = await frame.$$eval('.field__error', (items) => items.map((item) => item.textContent));
    expect(errors).toEqual([
      'Default channel is required.',
      'Messages per day must be at most 100.',
      'Report email must be an email address, like name@example.com.',
      'Dashboard URL must be a web address starting with https:// or http://.',
    ]);
    const describedBy = await frame.getAttribute('[data-testid="setting-reportTo"]', 'aria-describedby');
    expect(describedBy).toBe('setting-reportTo-hint setting-reportTo-error');
    await page.screenshot({ path: join(artifacts, '3-settings-invalid.png') });

    await frame.fill('[data-testid="setting-channel"]', '#sales');
    await frame.fill('[data-testid="setting-maxPerDay"]', '25');
    await frame.check('[data-testid="setting-mentionOwner"]');
    await frame.fill('[data-testid="setting-reportTo"]', 'ops@example.com');
    await frame.fill('[data-testid="setting-dashboard"]', 'https://dash.example.com/sales');
    await frame.fill('[data-testid="setting-signingSecret"]', 's3cret');
    await frame.fill('[data-testid="setting-footer"]', 'Sent by Acme CRM\nDo not reply');
    await frame.selectOption('[data-testid="setting-frequency"]', 'daily');
    await frame.selectOption('[data-testid="setting-team"]', 'support');
    expect(await frame.getAttribute('[data-testid="setting-signingSecret"]', 'type')).toBe('password');
    await frame.click('[data-testid="portal-save-settings"]');
    await frame.waitForFunction(
      () => document.querySelector('[data-testid="portal-status"]')?.textContent === 'Settings saved.',
    );
    await page.screenshot({ path: join(artifacts, '4-settings-saved.png') });

    const stored = await call(server, 'GET', `/projects/${projectId}/sdk/credentials/${credential.id}`, {
      token,
    });
    expect(stored.status).toBe(200);
    const configuration = stored.body.configurations[0];
    expect(configuration.sharedSettings).toEqual({
      channel: '#sales',
      maxPerDay: 25,
      mentionOwner: true,
      reportTo: 'ops@example.com',
      dashboard: 'https://dash.example.com/sales',
      signingSecret: 's3cret',
      footer: 'Sent by Acme CRM\nDo not reply',
      frequency: 'daily',
      team: 'support',
    });
    expect(configuration.workflowSettings[dealsWorkflowId]).toEqual({
      enabled: true,
      settings: { dealChannel: '#deals' },
    });
    // The SDK reloaded the user: getUser() in the page shows the saved settings.
    await page.waitForFunction(
      () =>
        (
          window as unknown as {
            paragon: { getUser(): { integrations: Record<string, { sharedSettings?: object }> } };
          }
        ).paragon.getUser().integrations.slack?.sharedSettings !== undefined &&
        JSON.stringify(
          (
            window as unknown as { paragon: { getUser(): { integrations: Record<string, unknown> } } }
          ).paragon.getUser().integrations.slack,
        ).includes('ops@example.com'),
    );

    // Disconnect from the portal.
    await frame.click('[data-testid="portal-disconnect"]');
    await frame.waitForSelector('[data-testid="portal-connect"]');
    expect(await status(frame)).toBe('Disconnected Acme HQ.');
    await page.waitForSelector('[data-testid="events-log"] li[data-event="onIntegrationUninstall"]');
    await page.screenshot({ path: join(artifacts, '5-disconnected.png') });
    const me = await call(server, 'GET', `/projects/${projectId}/sdk/me`, { token });
    expect(me.body.integrations.slack.enabled).toBe(false);
    expect(me.body.integrations.slack.allCredentials).toEqual([]);

    await frame.click('[data-testid="portal-close"]');
    await page.waitForSelector('#paragon-connect-frame', { state: 'hidden' });
    expect(await page.getAttribute('[data-testid="integration-slack"]', 'data-connected')).toBe('false');
    expect(await eventNames(page)).toEqual([
      'onPortalOpen',
      'onWorkflowChange',
      'onWorkflowChange',
      'onIntegrationUninstall',
      'onPortalClose',
    ]);
    const logged = await page.$$eval('[data-testid="events-log"] li pre', (items) =>
      items.map((item) => JSON.parse(item.textContent ?? '{}')).reverse(),
    );
    expect(logged[1]).toMatchObject({ workflowId: dealsWorkflowId, workflowStateChange: { enabled: true } });
    expect(logged[3]).toMatchObject({ integrationType: 'slack' });
    expect(problems).toEqual([]);
    await page.close();
  });

  test('keyboard: focus moves into the dialog, Tab and Shift+Tab stay inside, Esc closes and focus returns', async () => {
    await connectSampleUser('slack', { teamName: 'Keyboard Co' });
    const { page, problems } = await openDemo(browser, server.url);
    await page.focus('[data-testid="connect-slack"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#paragon-connect-frame', { state: 'visible', timeout: 15_000 });
    const frame = page.frame({ url: /\/ui\/\?projectId=/ });
    if (!frame) throw new Error('no portal frame');
    await frame.waitForSelector('[data-testid="portal"]');
    await frame.waitForFunction(() => document.activeElement?.getAttribute('role') === 'dialog');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('paragon-connect-frame');

    const focusables = await frame.$$eval(
      '[data-testid="portal"] button:not([disabled]), [data-testid="portal"] input, [data-testid="portal"] select, [data-testid="portal"] textarea, [data-testid="portal"] summary, [data-testid="portal"] a[href]',
      (items) => items.filter((item) => (item as HTMLElement).checkVisibility()).length,
    );
    const inside = () => frame.evaluate(() => document.activeElement?.closest('[role="dialog"]') !== null);
    await page.keyboard.press('Tab');
    expect(await frame.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'portal-close',
    );
    // A visible focus ring on the focused control.
    expect(await frame.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle)).toBe(
      'solid',
    );
    await page.screenshot({ path: join(artifacts, '6-keyboard-focus.png') });
    for (let i = 0; i < focusables; i++) {
      await page.keyboard.press('Tab');
      expect(await inside()).toBe(true);
    }
    // Tabbing past the last control wrapped back to the first.
    expect(await frame.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'portal-close',
    );
    await page.keyboard.press('Shift+Tab');
    expect(await inside()).toBe(true);
    expect(await frame.evaluate(() => document.activeElement?.getAttribute('data-testid'))).not.toBe(
      'portal-close',
    );

    await page.keyboard.press('Escape');
    await page.waitForSelector('#paragon-connect-frame', { state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'connect-slack',
    );
    expect(await eventNames(page)).toEqual(['onPortalOpen', 'onPortalClose']);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('light, dark and system themes', async () => {
    const { page, problems } = await openDemo(browser, server.url);
    const backgroundOf = (frame: Frame) =>
      frame.$eval('[data-testid="portal"]', (dialog) => getComputedStyle(dialog).backgroundColor);

    const shots: Record<string, string> = {};
    for (const theme of ['light', 'dark'] as const) {
      await page.selectOption('#portal-theme', theme);
      const frame = await openPortal(page, 'hubspot');
      expect(await frame.isVisible('[data-testid="portal-connect"]')).toBe(true);
      shots[theme] = await backgroundOf(frame);
      await page.screenshot({ path: join(artifacts, `7-theme-${theme}.png`) });
      await frame.click('[data-testid="portal-close"]');
      await page.waitForSelector('#paragon-connect-frame', { state: 'hidden' });
    }
    expect(shots.light).toBe('rgb(255, 255, 255)');
    expect(shots.dark).toBe('rgb(17, 24, 39)');

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.selectOption('#portal-theme', 'system');
    const frame = await openPortal(page, 'hubspot');
    expect(await backgroundOf(frame)).toBe(shots.dark);
    await page.screenshot({ path: join(artifacts, '8-theme-system-dark.png') });
    expect(problems).toEqual([]);
    await page.close();
  });

  test('sandbox OAuth from the Connect button: popup → consent → connected, onIntegrationInstall', async () => {
    expect(
      (
        await admin('POST', '/integrations', {
          type: 'sandbox',
          clientId: 'switchboard-sandbox',
          clientSecret: 'sandbox-secret',
        })
      ).status,
    ).toBe(200);
    const { page, problems } = await openDemo(browser, server.url);
    const frame = await openPortal(page, 'sandbox');
    const popupOpened = page.waitForEvent('popup');
    await frame.click('[data-testid="portal-connect"]');
    const popup = await popupOpened;
    await popup.waitForSelector('#sandbox-allow', { timeout: 15_000 });
    await popup.fill('#sandbox-account', 'Portal Test Workspace');
    await popup.screenshot({ path: join(artifacts, '9-sandbox-consent.png') });
    await popup.click('#sandbox-allow');
    await frame.waitForSelector('[data-testid="portal-disconnect"]', { timeout: 20_000 });
    expect(await frame.textContent('[data-testid="portal-account"]')).toContain('portal-test-workspace');
    expect(await status(frame)).toMatch(/^Connected /);
    await page.waitForSelector('[data-testid="events-log"] li[data-event="onIntegrationInstall"]');
    await page.screenshot({ path: join(artifacts, '10-sandbox-connected.png') });
    const installed = await page.$eval(
      '[data-testid="events-log"] li[data-event="onIntegrationInstall"] pre',
      (pre) => JSON.parse(pre.textContent ?? '{}'),
    );
    expect(installed).toMatchObject({ integrationType: 'sandbox', credential: { status: 'VALID' } });
    const me = await call(server, 'GET', `/projects/${projectId}/sdk/me`, { token });
    expect(me.body.integrations.sandbox.enabled).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('headless installIntegration(): rejects when installed, else a popup without the portal; several accounts', async () => {
    const { page, problems } = await openDemo(browser, server.url);
    type Sdk = {
      installIntegration(type: string, options?: object): Promise<{ credentialId: string }>;
      uninstallIntegration(type: string, options?: object): Promise<void>;
      getUser(): { integrations: Record<string, { allCredentials: { id: string }[] }> };
    };
    const already = await page.evaluate(() =>
      (window as unknown as { paragon: Sdk }).paragon.installIntegration('sandbox').then(
        () => 'resolved',
        (error: Error) => error.message,
      ),
    );
    expect(already).toBe('Integration "sandbox" is already installed.');

    const popupOpened = page.waitForEvent('popup');
    await page.evaluate(() => {
      const sdk = (window as unknown as { paragon: Sdk }).paragon;
      (window as unknown as { installed: Promise<unknown> }).installed = sdk.installIntegration('sandbox', {
        allowMultipleCredentials: true,
      });
    });
    const popup = await popupOpened;
    await popup.waitForSelector('#sandbox-allow', { timeout: 15_000 });
    await popup.fill('#sandbox-account', 'Second Workspace');
    await popup.click('#sandbox-allow');
    const installed = await page.evaluate(
      () => (window as unknown as { installed: Promise<unknown> }).installed,
    );
    expect(installed).toMatchObject({ integrationType: 'sandbox', credential: { status: 'VALID' } });
    expect(await page.isVisible('#paragon-connect-frame')).toBe(false);
    const credentialIds = await page.evaluate(() =>
      (window as unknown as { paragon: Sdk }).paragon
        .getUser()
        .integrations.sandbox?.allCredentials.map((credential) => credential.id),
    );
    expect(credentialIds).toHaveLength(2);
    await page.waitForSelector('[data-testid="events-log"] li[data-event="onIntegrationInstall"]');

    // The portal offers both accounts.
    const frame = await openPortal(page, 'sandbox');
    const options = await frame.$$eval('[data-testid="portal-account-switcher"] option', (items) =>
      items.map((item) => item.textContent),
    );
    expect(options).toHaveLength(2);
    await page.screenshot({ path: join(artifacts, '11-two-accounts.png') });
    await frame.click('[data-testid="portal-close"]');

    const second = (installed as { credentialId: string }).credentialId;
    await page.evaluate(
      (selectedCredentialId) =>
        (window as unknown as { paragon: Sdk }).paragon.uninstallIntegration('sandbox', {
          selectedCredentialId,
        }),
      second,
    );
    const me = await call(server, 'GET', `/projects/${projectId}/sdk/me`, { token });
    expect(me.body.integrations.sandbox.allCredentials.map((c: { id: string }) => c.id)).not.toContain(
      second,
    );
    expect(me.body.integrations.sandbox.allCredentials).toHaveLength(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('the portal is served with its CSP; connect() of an inactive integration does nothing', async () => {
    const portal = await fetch(`${server.url}/ui/?projectId=${projectId}`);
    expect(portal.status).toBe(200);
    const csp = portal.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain('frame-ancestors *');
    expect(csp).toContain("connect-src 'self'");
    expect(portal.headers.get('cache-control')).toBe('no-cache');

    expect((await admin('DELETE', '/integrations/hubspot')).status).toBe(200);
    const { page } = await openDemo(browser, server.url);
    const result = await page.evaluate(() =>
      (window as unknown as { paragon: { connect(type: string): Promise<unknown> } }).paragon.connect(
        'hubspot',
      ),
    );
    expect(result).toBeUndefined();
    expect(await page.$('#paragon-connect-frame')).toBeNull();
    await page.close();
  });
});
