import { createConnectClient } from '@switchboard/connect';
import { claimExecutions, type Execution, type JsonObject, saveExecutionState } from '@switchboard/db';
import {
  applyStepResult,
  createFunctionRunner,
  executionStateSchema,
  planNext,
  runStep,
  type StepDeps,
  validateWorkflow,
} from '@switchboard/engine';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectViaOAuth } from '../testing/connectViaOAuth';
import { startFakeProvider } from '../testing/fakeProvider';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';
import { createWorkflowWorker } from './createWorkflowWorker';

/*
 * Workflows end to end over real HTTP: deploy, App Events and Request triggers through the in-process
 * worker, integration steps through the proxy to the fake provider's /echo upstream, task history,
 * and a crashed worker's execution resumed by another without re-running its finished step.
 */

let provider: Awaited<ReturnType<typeof startFakeProvider>>;
let server: TestServer;
let project: TestProject;
let alice: { token: string; credentialId: string };

const admin = (method: string, path: string, body?: unknown) =>
  call(server, method, `/admin/projects/${project.projectId}${path}`, {
    token: project.apiKey,
    ...(body !== undefined ? { body } : {}),
  });

async function createWorkflow(
  target: { server: TestServer; project: TestProject },
  description: string,
  definition: Record<string, unknown>,
  integration = 'fakeoauth',
): Promise<string> {
  const created = await call(target.server, 'POST', `/admin/projects/${target.project.projectId}/workflows`, {
    token: target.project.apiKey,
    body: { integration, description },
  });
  expect(created.status).toBe(201);
  const deployed = await call(
    target.server,
    'POST',
    `/admin/projects/${target.project.projectId}/workflows/${created.body.id}/versions`,
    { token: target.project.apiKey, body: definition },
  );
  expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
  return created.body.id as string;
}

async function enableFor(
  target: { server: TestServer; project: TestProject },
  token: string,
  workflowId: string,
) {
  const res = await call(
    target.server,
    'POST',
    `/projects/${target.project.projectId}/sdk/workflows/${workflowId}`,
    { token },
  );
  expect(res.status).toBe(200);
}

async function waitForExecution(id: string, done: (e: { status: string }) => boolean) {
  for (let i = 0; i < 200; i++) {
    const res = await admin('GET', `/executions/${id}`);
    if (res.status === 200 && done(res.body)) return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`execution ${id} did not get there`);
}

const contactCreated = {
  integration: 'fakeoauth',
  description: 'Contact Created',
  trigger: { type: 'appEvent', event: 'Contact Created' },
  steps: [
    {
      id: 'hasEmail',
      type: 'conditional',
      condition: { left: '{{trigger.email}}', op: 'exists' },
      onTrue: 'create',
    },
    {
      id: 'create',
      type: 'integration',
      method: 'POST',
      path: '/echo/contacts',
      body: { email: '{{trigger.email}}' },
      next: 'shape',
    },
    {
      id: 'shape',
      type: 'function',
      code: '(input) => ({ status: input.status, upper: input.email.toUpperCase() })',
      input: { status: '{{steps.create.output.status}}', email: '{{trigger.email}}' },
    },
  ],
};

beforeAll(async () => {
  provider = await startFakeProvider();
  server = await startTestServer({
    extraDefinitions: provider.definitions,
    workflows: { requestWaitMs: 1_500 },
  });
  project = await server.createProject('Workflows');
  await project.enable('fakeoauth', 'fakekey');
  alice = await connectViaOAuth(server, project, 'alice');
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
});

describe('deploy', () => {
  test('each deploy is a new version; a bad definition is a 400 that lists the problems', async () => {
    const created = await admin('POST', '/workflows', { integration: 'fakeoauth', description: 'Versions' });
    const id = created.body.id as string;
    const first = await admin('POST', `/workflows/${id}/versions`, contactCreated);
    const second = await admin('POST', `/workflows/${id}/versions`, contactCreated);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect([first.body.version, second.body.version]).toEqual([1, 2]);
    expect(first.body.workflowId).toBe(id);

    const bad = await admin('POST', `/workflows/${id}/versions`, {
      ...contactCreated,
      steps: [{ ...contactCreated.steps[0], onTrue: 'nowhere' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.details[0]).toMatchObject({ path: 'steps.0.onTrue' });

    const otherIntegration = await admin('POST', `/workflows/${id}/versions`, {
      ...contactCreated,
      integration: 'fakekey',
    });
    expect(otherIntegration.status).toBe(400);
    expect(otherIntegration.body.message).toMatch(/belongs to "fakeoauth"/);

    const list = await admin('GET', `/workflows/${id}/versions`);
    expect(list.body.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const unauthenticated = await call(
      server,
      'GET',
      `/admin/projects/${project.projectId}/workflows/${id}/versions`,
    );
    expect(unauthenticated.status).toBe(401);
  });
});

describe('App Event', () => {
  let workflowId: string;
  const event = (
    body: unknown,
    headers: Record<string, string> = {},
    token = alice.token,
    pid = project.projectId,
  ) => call(server, 'POST', `/v2/projects/${pid}/sdk/events/trigger`, { token, body, headers });

  beforeAll(async () => {
    workflowId = await createWorkflow({ server, project }, 'Contact Created', contactCreated);
  });

  test('a disabled workflow starts nothing; enabled, the event runs it end to end with every step in task history', async () => {
    const disabled = await event({ name: 'Contact Created', payload: { email: 'a@example.com' } });
    expect(disabled.status).toBe(201);
    expect(disabled.body.executionIds).toEqual([]);

    await enableFor({ server, project }, alice.token, workflowId);
    const before = provider.log.echo.length;
    const sent = await event({ name: 'Contact Created', payload: { email: 'bowie@example.com' } });
    expect(sent.status).toBe(201);
    expect(sent.body.executionIds).toHaveLength(1);
    const id = sent.body.executionIds[0] as string;
    const done = await waitForExecution(id, (e) => e.status === 'succeeded' || e.status === 'failed');
    expect(done.status).toBe('succeeded');
    expect(done.userId).toBe('alice');
    expect(done.integration).toBe('fakeoauth');
    expect(done.version).toBe(1);
    expect(done.trigger).toEqual({ email: 'bowie@example.com' });
    // In the order they ran, whatever order the database keeps the state's keys in (jsonb: shortest first).
    expect(done.steps.map((s: { stepId: string }) => s.stepId)).toEqual(['hasEmail', 'create', 'shape']);
    const steps = Object.fromEntries(done.steps.map((s: { stepId: string }) => [s.stepId, s]));
    expect(steps.hasEmail).toMatchObject({ status: 'succeeded', output: { result: true } });
    expect(steps.create).toMatchObject({
      status: 'succeeded',
      attempt: 1,
      input: expect.objectContaining({
        method: 'POST',
        url: '/echo/contacts',
        body: { email: 'bowie@example.com' },
      }),
      output: { status: 200, body: expect.objectContaining({ method: 'POST', url: '/echo/contacts' }) },
    });
    expect(steps.shape).toMatchObject({
      status: 'succeeded',
      output: { status: 200, upper: 'BOWIE@EXAMPLE.COM' },
    });
    for (const step of done.steps) {
      expect(step.startedAt).toBeTruthy();
      expect(step.durationMs).toBeGreaterThanOrEqual(0);
    }
    // Through the proxy: the user's sealed token was injected, with the step's idempotency key.
    const upstream = provider.log.echo.slice(before).filter((r) => r.url === '/echo/contacts');
    expect(upstream).toHaveLength(1);
    expect(upstream[0]?.headers.authorization).toMatch(/^Bearer access-\d+$/);
    expect(upstream[0]?.headers['idempotency-key']).toBe(`${id}:create`);
    expect(JSON.parse(upstream[0]?.body.toString('utf8') ?? '')).toEqual({ email: 'bowie@example.com' });

    // The conditional's false branch ends the run after it.
    const noEmail = await event({ name: 'Contact Created', payload: { email: '' } });
    const ended = await waitForExecution(noEmail.body.executionIds[0], (e) => e.status === 'succeeded');
    expect(ended.steps.map((s: { stepId: string }) => s.stepId)).toEqual(['hasEmail']);

    // Task history lists them with filters and pages.
    const page1 = await admin('GET', `/executions?userId=alice&workflowId=${workflowId}&limit=1`);
    expect(page1.status).toBe(200);
    expect(page1.body.executions).toHaveLength(1);
    expect(page1.body.executions[0].id).toBe(noEmail.body.executionIds[0]);
    const page2 = await admin(
      'GET',
      `/executions?userId=alice&workflowId=${workflowId}&limit=1&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.executions[0].id).toBe(id);
    expect(page2.body.nextCursor).toBeNull();
    const failed = await admin('GET', '/executions?status=failed&integration=fakeoauth');
    expect(failed.body.executions).toEqual([]);
    const unknown = await admin('GET', `/executions/${crypto.randomUUID()}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('EXECUTION_NOT_FOUND');
    const nobody = await admin('GET', '/executions?userId=nobody');
    expect(nobody.body).toEqual({ executions: [], nextCursor: null });
    const future = await admin(
      'GET',
      `/executions?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(future.body.executions).toEqual([]);
  });

  test('a repeated idempotency key starts nothing new', async () => {
    const body = { name: 'Contact Created', payload: { email: 'once@example.com' } };
    const first = await event(body, { 'x-idempotency-key': 'evt-1' });
    const again = await event(body, { 'x-idempotency-key': 'evt-1' });
    expect(first.body.created).toBe(true);
    expect(again.body).toEqual({ ...first.body, created: false });
    await waitForExecution(first.body.executionIds[0], (e) => e.status === 'succeeded');
    const runs = await admin('GET', `/executions?workflowId=${workflowId}&userId=alice`);
    const forKey = runs.body.executions.filter(
      (e: { appEventId: string }) => e.appEventId === first.body.eventId,
    );
    expect(forKey).toHaveLength(1);
    expect(
      provider.log.echo.filter((r) => r.body.toString('utf8').includes('once@example.com')),
    ).toHaveLength(1);
  });

  test("an uninstalled integration or another project's user starts nothing", async () => {
    // bob never connected fakeoauth.
    const bob = await project.token('bob');
    const res = await event({ name: 'Contact Created', payload: { email: 'b@example.com' } }, {}, bob);
    expect(res.status).toBe(201);
    expect(res.body.executionIds).toEqual([]);
    // A user of another project (with its own enabled workflow of the same name) never reaches this one.
    const other = await server.createProject('Other');
    await other.enable('fakeoauth');
    const carol = await connectViaOAuth(server, other, 'carol');
    const otherRes = await event(
      { name: 'Contact Created', payload: { email: 'c@example.com' } },
      {},
      carol.token,
      other.projectId,
    );
    expect(otherRes.body.executionIds).toEqual([]);
    // alice's token is not valid for the other project.
    const crossed = await event({ name: 'Contact Created', payload: {} }, {}, alice.token, other.projectId);
    expect(crossed.status).toBe(401);
  });
});

describe('Request trigger', () => {
  const trigger = (workflowId: string, body: unknown, query = '') =>
    call(server, 'POST', `/projects/${project.projectId}/sdk/triggers/${workflowId}?${query}`, {
      token: alice.token,
      body,
      headers: { 'x-custom': 'yes' },
    });

  test('answers with the Response step output', async () => {
    const id = await createWorkflow({ server, project }, 'Lead Created', {
      integration: 'fakeoauth',
      description: 'Lead Created',
      trigger: { type: 'request' },
      steps: [
        {
          id: 'create',
          type: 'integration',
          method: 'POST',
          path: '/echo/leads',
          body: '{{trigger.body}}',
          next: 'check',
        },
        {
          id: 'check',
          type: 'conditional',
          condition: { left: '{{steps.create.output.status}}', op: 'equals', right: 200 },
          onTrue: 'answer',
        },
        {
          id: 'answer',
          type: 'response',
          status: 201,
          headers: { 'x-workflow': 'lead' },
          body: {
            url: '{{steps.create.output.body.url}}',
            q: '{{trigger.query.x}}',
            h: '{{trigger.headers.x-custom}}',
          },
        },
      ],
    });
    const notEnabled = await trigger(id, { first_name: 'Bowie' });
    expect(notEnabled.status).toBe(404);
    expect(notEnabled.body.message).toMatch(/not enabled for this user/);
    expect(notEnabled.body.code).toBe('WORKFLOW_NOT_ENABLED');
    await enableFor({ server, project }, alice.token, id);
    const res = await trigger(id, { first_name: 'Bowie' }, 'x=1');
    expect(res.status).toBe(201);
    expect(res.headers.get('x-workflow')).toBe('lead');
    expect(res.body).toEqual({ url: '/echo/leads', q: '1', h: 'yes' });
    expect(JSON.parse(provider.log.echo.at(-1)?.body.toString('utf8') ?? '')).toEqual({
      first_name: 'Bowie',
    });
  });

  test('without a Response step answers 202 with the execution id at once', async () => {
    const id = await createWorkflow({ server, project }, 'No answer', {
      integration: 'fakeoauth',
      description: 'No answer',
      trigger: { type: 'request' },
      steps: [{ id: 'f', type: 'function', code: 'return 1 + 1' }],
    });
    await enableFor({ server, project }, alice.token, id);
    const res = await trigger(id, {});
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ workflowId: id, projectId: project.projectId });
    const done = await waitForExecution(res.body.executionId, (e) => e.status === 'succeeded');
    expect(done.steps[0]).toMatchObject({ stepId: 'f', output: 2 });
  });

  test('past the bounded wait answers 542 with the execution id to poll', async () => {
    const id = await createWorkflow({ server, project }, 'Slow', {
      integration: 'fakeoauth',
      description: 'Slow',
      trigger: { type: 'request' },
      steps: [
        { id: 'wait', type: 'delay', seconds: 3, next: 'answer' },
        { id: 'answer', type: 'response', body: { late: true } },
      ],
    });
    await enableFor({ server, project }, alice.token, id);
    const res = await trigger(id, {});
    expect(res.status).toBe(542);
    expect(res.body.executionId).toMatch(/^[0-9a-f-]{36}$/);
    const waiting = await admin('GET', `/executions/${res.body.executionId}`);
    expect(waiting.body.status).toBe('waiting');
    expect(waiting.body.wakeAt).toBeTruthy();
    const done = await waitForExecution(res.body.executionId, (e) => e.status === 'succeeded');
    expect(done.response).toMatchObject({ status: 200, body: { late: true } });
  });
});

describe('SDK', () => {
  test('paragon.event() and paragon.workflow() use the official shapes and reach the workflows', async () => {
    const echo = await createWorkflow({ server, project }, 'Echo', {
      integration: 'fakeoauth',
      description: 'Echo',
      trigger: { type: 'request' },
      steps: [
        {
          id: 'answer',
          type: 'response',
          body: { got: '{{trigger.body.n}}', q: '{{trigger.query.page}}', h: '{{trigger.headers.x-app}}' },
        },
      ],
    });
    await enableFor({ server, project }, alice.token, echo);
    const client = createConnectClient({ fetch: (url, init) => fetch(url, init) });
    client.configureGlobal({ host: server.url });
    await client.authenticate(project.projectId, alice.token);
    expect(
      await client.workflow(echo, { body: { n: 7 }, query: { page: '2' }, headers: { 'x-app': 'demo' } }),
    ).toEqual({ got: 7, q: '2', h: 'demo' });
    await expect(client.workflow('')).rejects.toThrow('workflowId is required.');

    const before = (await admin('GET', '/executions?userId=alice&integration=fakeoauth&limit=500')).body
      .executions.length;
    await expect(client.event('Contact Created', { email: 'sdk@example.com' })).resolves.toBeUndefined();
    const after = (await admin('GET', '/executions?userId=alice&integration=fakeoauth&limit=500')).body
      .executions;
    expect(after.length).toBe(before + 1);
    await expect(client.event('x', {}, { selectedConfigurationId: 'c' })).rejects.toThrow(
      /Configuration ID cannot be used without a corresponding Credential ID/,
    );
  });
});

describe('durability', () => {
  test("a dead worker's execution resumes on another worker without re-running its finished step", async () => {
    // An API-only server: nothing runs executions until a worker is started here.
    const apiOnly = await startTestServer({
      extraDefinitions: provider.definitions,
      workflows: { worker: false },
    });
    try {
      const p = await apiOnly.createProject('Resume');
      await p.enable('fakeoauth');
      const dave = await connectViaOAuth(apiOnly, p, 'dave');
      const definition = {
        integration: 'fakeoauth',
        description: 'Two steps',
        trigger: { type: 'appEvent', event: 'Go' },
        steps: [
          {
            id: 'one',
            type: 'integration',
            method: 'POST',
            path: '/echo/resume/one',
            body: { n: 1 },
            next: 'two',
          },
          { id: 'two', type: 'integration', method: 'POST', path: '/echo/resume/two', body: { n: 2 } },
        ],
      };
      const wid = await createWorkflow({ server: apiOnly, project: p }, 'Two steps', definition);
      await enableFor({ server: apiOnly, project: p }, dave.token, wid);
      const sent = await call(apiOnly, 'POST', `/v2/projects/${p.projectId}/sdk/events/trigger`, {
        token: dave.token,
        body: { name: 'Go', payload: {} },
      });
      const executionId = sent.body.executionIds[0] as string;

      // Both workers call the integration through this server's proxy route, as dave.
      const stepDeps: StepDeps = {
        fetch: globalThis.fetch,
        runFunction: createFunctionRunner(),
        now: () => new Date(),
        integrationRequest: async (request) => {
          const res = await fetch(
            `${apiOnly.url}/projects/${p.projectId}/sdk/proxy/${request.integration}${request.path}`,
            {
              method: request.method,
              headers: {
                ...request.headers,
                authorization: `Bearer ${dave.token}`,
                'content-type': 'application/json',
                'x-paragon-use-raw-response': '1',
              },
              body: JSON.stringify(request.body),
            },
          );
          return { status: res.status, headers: {}, body: await res.json() };
        },
      };

      // Worker A claims it with a short lease, runs step one, saves, and dies before step two.
      const [claimed] = await claimExecutions(apiOnly.db, 'worker-a', 300, 1);
      expect(claimed?.id).toBe(executionId);
      const parsed = validateWorkflow(definition);
      let state = executionStateSchema.parse((claimed as Execution).state);
      const plan = planNext(parsed, state, new Date());
      state = plan.state;
      const action = plan.actions[0];
      expect(action?.step.id).toBe('one');
      if (!action) throw new Error('no action');
      const outcome = await runStep(action.step, action.input, {
        ...stepDeps,
        idempotencyKey: action.idempotencyKey,
        integration: 'fakeoauth',
      });
      state = applyStepResult(
        parsed,
        state,
        { key: action.key, attempt: action.attempt, outcome },
        new Date(),
      );
      const saved = await saveExecutionState(apiOnly.db, {
        id: executionId,
        owner: 'worker-a',
        leaseMs: 300,
        state: state as unknown as JsonObject,
        status: 'running',
        wakeAt: null,
        finishedAt: null,
        release: false,
      });
      expect(saved).toBe(true);
      // While A's lease holds, nobody else can claim it.
      expect(await claimExecutions(apiOnly.db, 'worker-b', 300, 1)).toEqual([]);
      await new Promise((r) => setTimeout(r, 400));

      // Worker B (the real worker loop) takes over after the lease lapsed.
      const workerB = createWorkflowWorker({
        db: apiOnly.db,
        logger: pino({ level: 'silent' }),
        owner: 'worker-b',
        pollMs: 50,
        stepDepsFor: async () => stepDeps,
      });
      workerB.start();
      let done: Execution | undefined;
      for (let i = 0; i < 100 && done?.status !== 'succeeded'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const res = await call(apiOnly, 'GET', `/admin/projects/${p.projectId}/executions/${executionId}`, {
          token: p.apiKey,
        });
        done = res.body;
      }
      await workerB.stop();
      expect(done?.status).toBe('succeeded');
      expect((done as unknown as { claims: number }).claims).toBe(2);
      // A's late save is refused: B holds (held) the lease.
      expect(
        await saveExecutionState(apiOnly.db, {
          id: executionId,
          owner: 'worker-a',
          leaseMs: 300,
          state: state as unknown as JsonObject,
          status: 'running',
          wakeAt: null,
          finishedAt: null,
          release: false,
        }),
      ).toBe(false);
      const upstream = provider.log.echo.filter((r) => r.url.startsWith('/echo/resume/'));
      expect(upstream.map((r) => r.url)).toEqual(['/echo/resume/one', '/echo/resume/two']);
      expect(upstream.map((r) => r.headers['idempotency-key'])).toEqual([
        `${executionId}:one`,
        `${executionId}:two`,
      ]);
    } finally {
      await apiOnly.close();
    }
  });
});
