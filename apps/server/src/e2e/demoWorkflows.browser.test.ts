import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findRepoRoot } from '../repoPaths';
import { openDemo, openPortal } from '../testing/demoPortal';
import { chromiumAvailable, launchChromium } from '../testing/launchChromium';
import { call, startTestServer, type TestServer } from '../testing/startTestServer';

const artifacts = join(findRepoRoot(), 'test-artifacts', 'demo');

/*
 * The seed's two workflow examples on the demo page, in a real browser against a development-mode
 * server: connect the Sandbox CRM through the Connect Portal, turn Contact Created on with the page's
 * switch, send the App Event from the form and see the contact in the CRM and the run in task history;
 * run the Request-triggered Lead Created and see its answer and its run; turn Contact Created off and
 * see an event start nothing. Screenshots go to test-artifacts/demo/.
 */
describe.runIf(chromiumAvailable)('demo workflows in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let projectId: string;
  let token: string;
  let workflows: { contactCreated: string; leadCreated: string };

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    server = await startTestServer({ development: true });
    browser = await launchChromium();
    const session = await call(server, 'GET', '/demo/session');
    projectId = session.body.projectId;
    token = session.body.token;
    workflows = session.body.workflows;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Task history through the admin API (the instance admin key), to check what the page shows. */
  const executionsOf = async (workflowId: string) => {
    const res = await call(
      server,
      'GET',
      `/admin/projects/${projectId}/executions?userId=sample-user&workflowId=${workflowId}`,
      { token: server.adminKey },
    );
    expect(res.status).toBe(200);
    return res.body.executions as Array<{ id: string; status: string; appEventId: string | null }>;
  };
  const execution = async (id: string) =>
    (await call(server, 'GET', `/admin/projects/${projectId}/executions/${id}`, { token: server.adminKey }))
      .body;
  const sandboxContactsNamed = (email: string) =>
    server.db.selectFrom('sandboxContacts').select(['name', 'email']).where('email', '=', email).execute();
  const workflowSetting = async (credentialId: string, workflowId: string) => {
    const res = await call(server, 'GET', `/projects/${projectId}/sdk/credentials/${credentialId}`, {
      token,
    });
    return res.body.configurations[0].workflowSettings[workflowId]?.enabled === true;
  };
  const toggle = async (page: Page, name: 'contact-created' | 'lead-created', on: boolean) => {
    await page.click(`[data-testid="toggle-${name}"]`);
    await page.waitForSelector(`[data-testid="workflow-${name}"][data-enabled="${on}"]`);
    await page.waitForSelector(`[data-testid="toggle-${name}"]:not([disabled])`);
  };

  test('Contact Created and Lead Created from the demo page, each run in task history', async () => {
    expect(workflows).toEqual({ contactCreated: expect.any(String), leadCreated: expect.any(String) });
    const { page, problems } = await openDemo(browser, server.url);
    const panel = page.locator('[data-testid="workflows-panel"]');

    // Before the Sandbox CRM is connected the switches cannot be turned on.
    expect(await page.isDisabled('[data-testid="toggle-contact-created"]')).toBe(true);
    expect(await page.isChecked('[data-testid="toggle-contact-created"]')).toBe(false);
    expect(await page.textContent('#task-history-empty')).toBe('No executions yet.');
    await page.screenshot({ path: join(artifacts, 'workflows-1-not-connected.png'), fullPage: true });

    // Connect the Sandbox CRM through the Connect Portal and its consent page.
    const frame = await openPortal(page, 'sandbox');
    await frame.waitForSelector('[data-testid="portal-connect"]:not([disabled])');
    const popupOpened = page.waitForEvent('popup');
    await frame.click('[data-testid="portal-connect"]');
    const popup = await popupOpened;
    await popup.waitForSelector('#sandbox-allow', { timeout: 15_000 });
    await popup.click('#sandbox-allow');
    await frame.waitForSelector('[data-testid="portal-disconnect"]', { timeout: 20_000 });
    // The portal lists both examples among the Sandbox CRM's workflows, off.
    for (const id of [workflows.contactCreated, workflows.leadCreated]) {
      await frame.waitForSelector(`[data-testid="workflow-toggle-${id}"][aria-checked="false"]`);
    }
    await frame.click('[data-testid="portal-close"]');
    await page.waitForSelector('#paragon-connect-frame', { state: 'hidden' });
    await page.waitForSelector('[data-testid="toggle-contact-created"]:not([disabled])');
    await page.waitForSelector('#sandbox-contacts-empty:text("No contacts in the Sandbox CRM yet.")');
    const credentialId = await page.evaluate(
      () =>
        (
          window as unknown as {
            paragon: { getUser(): { integrations: Record<string, { credentialId?: string }> } };
          }
        ).paragon.getUser().integrations.sandbox?.credentialId as string,
    );

    // Contact Created on: the page's switch writes the user's workflow setting.
    await toggle(page, 'contact-created', true);
    expect(await page.isChecked('[data-testid="toggle-contact-created"]')).toBe(true);
    expect(await workflowSetting(credentialId, workflows.contactCreated)).toBe(true);
    await panel.screenshot({ path: join(artifacts, 'workflows-2-contact-created-on.png') });

    // The App Event from the form: the workflow creates the contact in the Sandbox CRM.
    await page.fill('#contact-name', 'Ada Lovelace');
    await page.fill('#contact-email', 'ada@example.com');
    await page.click('#contact-submit');
    const contactRow = page.locator('[data-testid="sandbox-contact"][data-email="ada@example.com"]');
    await contactRow.waitFor({ timeout: 20_000 });
    expect(await contactRow.textContent()).toContain('Ada Lovelace');
    const contactRun = page.locator(
      '[data-testid="execution"][data-workflow="contactCreated"][data-status="succeeded"]',
    );
    await contactRun.waitFor({ timeout: 20_000 });
    expect(await contactRun.textContent()).toMatch(
      /Contact Created.*App Event.*hasEmail succeeded.*createContact succeeded/s,
    );
    expect(await sandboxContactsNamed('ada@example.com')).toEqual([
      { name: 'Ada Lovelace', email: 'ada@example.com' },
    ]);
    const [contactExecution] = await executionsOf(workflows.contactCreated);
    expect(await contactRun.getAttribute('data-execution-id')).toBe(contactExecution?.id);
    const contactDetail = await execution(contactExecution?.id as string);
    expect(contactDetail).toMatchObject({
      status: 'succeeded',
      triggerKind: 'appEvent',
      trigger: { name: 'Ada Lovelace', email: 'ada@example.com' },
    });
    expect(contactDetail.steps.find((s: { stepId: string }) => s.stepId === 'createContact')).toMatchObject({
      status: 'succeeded',
      output: { status: 201, body: { name: 'Ada Lovelace', email: 'ada@example.com' } },
    });
    await panel.screenshot({ path: join(artifacts, 'workflows-3-contact-created.png') });

    // Lead Created (Request trigger): on, then run from the form; the answer is the CRM's contact.
    await toggle(page, 'lead-created', true);
    await page.fill('#lead-email', 'grace@example.com');
    await page.fill('#lead-first-name', 'Grace');
    await page.fill('#lead-last-name', 'Hopper');
    await page.click('#lead-submit');
    await page.waitForSelector('[data-testid="lead-answer"][data-state="answered"]', { timeout: 20_000 });
    const answer = JSON.parse((await page.textContent('[data-testid="lead-answer"]')) ?? '');
    expect(answer).toEqual({
      contactId: expect.any(String),
      contact: {
        id: answer.contactId,
        name: 'Grace Hopper',
        email: 'grace@example.com',
        createdAt: expect.any(String),
      },
    });
    const leadRun = page.locator(
      '[data-testid="execution"][data-workflow="leadCreated"][data-status="succeeded"]',
    );
    await leadRun.waitFor({ timeout: 20_000 });
    expect(await leadRun.textContent()).toMatch(/Lead Created.*Request.*answered 201/s);
    await page
      .locator('[data-testid="sandbox-contact"][data-email="grace@example.com"]')
      .waitFor({ timeout: 20_000 });
    const [leadExecution] = await executionsOf(workflows.leadCreated);
    expect(await leadRun.getAttribute('data-execution-id')).toBe(leadExecution?.id);
    expect(await execution(leadExecution?.id as string)).toMatchObject({
      status: 'succeeded',
      triggerKind: 'request',
      trigger: { body: { email: 'grace@example.com', first_name: 'Grace', last_name: 'Hopper' } },
      response: { status: 201, body: { contactId: answer.contactId } },
    });
    await panel.screenshot({ path: join(artifacts, 'workflows-4-lead-created.png') });

    // Contact Created off: the event is stored but starts nothing (its executions would have been
    // stored with it, in the same transaction, before paragon.event() resolved).
    await toggle(page, 'contact-created', false);
    expect(await workflowSetting(credentialId, workflows.contactCreated)).toBe(false);
    await page.fill('#contact-name', 'Nobody');
    await page.fill('#contact-email', 'nobody@example.com');
    await page.click('#contact-submit');
    await page.waitForSelector('[data-testid="status"]:text("started nothing")');
    const events = await server.db
      .selectFrom('appEvents')
      .select('id')
      .where('name', '=', 'Contact Created')
      .orderBy('createdAt')
      .execute();
    expect(events).toHaveLength(2);
    const contactRuns = await executionsOf(workflows.contactCreated);
    expect(contactRuns.map((run) => run.appEventId)).toEqual([events[0]?.id]);
    expect(await sandboxContactsNamed('nobody@example.com')).toEqual([]);
    // The page's task history, reloaded, still shows the two runs.
    const loads = Number(await page.getAttribute('[data-testid="task-history"]', 'data-loads'));
    await page.click('[data-testid="task-history-refresh"]');
    await page.waitForFunction(
      (before) =>
        Number(document.querySelector('[data-testid="task-history"]')?.getAttribute('data-loads')) > before,
      loads,
    );
    expect(await page.locator('[data-testid="execution"]').count()).toBe(2);
    await panel.screenshot({ path: join(artifacts, 'workflows-5-contact-created-off.png') });

    // The route behind the page's task history: the user's executions with their steps.
    const history = await call(server, 'GET', '/demo/executions?userId=sample-user');
    expect(history.body.executions.map((e: { id: string }) => e.id)).toEqual([
      leadExecution?.id,
      contactExecution?.id,
    ]);
    expect(history.body.executions[1].steps.map((s: { stepId: string }) => s.stepId).sort()).toEqual([
      'createContact',
      'hasEmail',
    ]);
    expect((await call(server, 'GET', '/demo/executions?userId=someone-else')).body).toEqual({
      executions: [],
    });
    const badLimit = await call(server, 'GET', '/demo/executions?limit=0');
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.message).toMatch(/limit/);
    expect(problems).toEqual([]);
  });
});
