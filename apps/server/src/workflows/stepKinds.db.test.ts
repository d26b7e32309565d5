import { createConnectClient } from '@switchboard/connect';
import {
  type RecordedRequest,
  type RecordingServer,
  type Reply,
  startRecordingServer,
} from '@switchboard/engine/testing/startRecordingServer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectViaOAuth } from '../testing/connectViaOAuth';
import { startFakeProvider } from '../testing/fakeProvider';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';

/*
 * Every step kind end to end through the real server and its in-process worker: plain HTTP request
 * steps against a local recording server (what it received is asserted, Idempotency-Key included),
 * integration steps through the proxy to the fake provider's /echo, function, conditional, fan-out with
 * its concurrency bound, response, per-step retries with back-off and continueOnFailure, templates from
 * User Settings and user metadata, and the user's enable/disable state deciding what runs. Task history
 * (GET /admin/projects/:pid/executions/:id) is the record checked for every step.
 *
 * Retry back-offs: the engine waits ≈10 s, 20 s, 40 s… between attempts; this server is started with
 * `workflows.retryBaseDelayMs: 20` (≈20, 40, 80, 160, 320 ms) so six attempts fit in a test. The
 * durable delay across a server restart is in delayRestart.db.test.ts.
 */

let provider: Awaited<ReturnType<typeof startFakeProvider>>;
let upstream: RecordingServer;
let server: TestServer;
let project: TestProject;
let alice: { token: string; credentialId: string };

/** Requests to one path prefix, in arrival order. */
const received = (prefix: string) => upstream.requests.filter((r) => r.path.startsWith(prefix));

const admin = (method: string, path: string, body?: unknown) =>
  call(server, method, `/admin/projects/${project.projectId}${path}`, {
    token: project.apiKey,
    ...(body !== undefined ? { body } : {}),
  });

async function deploy(
  definition: Record<string, unknown>,
  options: { inputs?: unknown[]; integration?: string } = {},
): Promise<string> {
  const integration = options.integration ?? 'fakeoauth';
  const created = await admin('POST', '/workflows', {
    integration,
    description: definition.description,
    ...(options.inputs ? { inputs: options.inputs } : {}),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const deployed = await admin('POST', `/workflows/${created.body.id}/versions`, {
    integration,
    ...definition,
  });
  expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
  return created.body.id as string;
}

async function enable(token: string, workflowId: string): Promise<void> {
  const res = await call(server, 'POST', `/projects/${project.projectId}/sdk/workflows/${workflowId}`, {
    token,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function sendEvent(token: string, name: string, payload: unknown): Promise<string[]> {
  const res = await call(server, 'POST', `/v2/projects/${project.projectId}/sdk/events/trigger`, {
    token,
    body: { name, payload },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.executionIds as string[];
}

type StepView = {
  stepId: string;
  item?: number;
  status: string;
  attempt: number;
  input?: unknown;
  output?: unknown;
  error?: { message: string; status?: number; code?: string };
  startedAt: string;
  finishedAt?: string;
};
type ExecutionView = {
  id: string;
  status: string;
  steps: StepView[];
  error?: { stepId: string; message: string };
};

/** Polls task history until the execution has finished (a generous bound, not a timing check). */
async function finished(id: string): Promise<ExecutionView> {
  let last: unknown;
  for (let i = 0; i < 600; i++) {
    const res = await admin('GET', `/executions/${id}`);
    last = res.body;
    if (res.status === 200 && (res.body.status === 'succeeded' || res.body.status === 'failed'))
      return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`execution ${id} did not finish: ${JSON.stringify(last)}`);
}

const stepsOf = (execution: ExecutionView) => execution.steps.filter((s) => s.item === undefined);

/**
 * The top-level step ids in the order they ran, checked from the records' own times: each step
 * started no earlier than the one before it finished (task history's list order is not relied on).
 */
function ranInOrder(execution: ExecutionView): string[] {
  const steps = [...stepsOf(execution)].sort(
    (a, b) =>
      Date.parse(a.startedAt) - Date.parse(b.startedAt) ||
      Date.parse(a.finishedAt ?? '') - Date.parse(b.finishedAt ?? ''),
  );
  for (let i = 1; i < steps.length; i++) {
    const previous = steps[i - 1];
    expect(Date.parse(steps[i]?.startedAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(previous?.finishedAt ?? ''),
    );
  }
  return steps.map((s) => s.stepId);
}
const step = (execution: ExecutionView, id: string) => {
  const found = execution.steps.find((s) => s.stepId === id && s.item === undefined);
  if (!found) throw new Error(`no step ${id} in ${JSON.stringify(execution.steps)}`);
  return found;
};

/** Calls per `/flaky/<key>` path so far. */
const flakyCalls = new Map<string, number>();
/** Fan-out requests: held until two are in flight at once (or the last one arrived). */
const fan = { inFlight: 0, arrived: 0, total: 0, waiters: [] as Array<() => void> };

/** How the recording server answers, by the first path segment. */
async function answer(request: RecordedRequest): Promise<Reply> {
  const [, kind, key] = request.path.split('/');
  if (kind === 'flaky') {
    // Fails twice with 503, then succeeds.
    const n = (flakyCalls.get(request.path) ?? 0) + 1;
    flakyCalls.set(request.path, n);
    return n <= 2 ? { status: 503, body: { error: `down (${n})` } } : { body: { ok: true, calls: n } };
  }
  if (kind === 'down') return { status: 503, body: { error: 'always down' } };
  if (kind === 'refuse') return { status: 422, body: { error: 'bad lead' } };
  if (kind === 'fan') {
    fan.arrived += 1;
    fan.inFlight += 1;
    if (fan.inFlight >= 2 || fan.arrived === fan.total) {
      for (const release of fan.waiters.splice(0)) release();
    } else {
      // Held until a second request is in flight with it: proves the fan-out does run two at a time.
      // The bound only stops a broken run from hanging; a correct run never waits on it.
      await Promise.race([
        new Promise<void>((resolve) => fan.waiters.push(resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref()),
      ]);
    }
    fan.inFlight -= 1;
    return { body: { item: key, index: (request.json as { index?: unknown })?.index } };
  }
  return {
    body: { received: request.json, path: request.path, query: Object.fromEntries(request.query) },
  };
}

beforeAll(async () => {
  provider = await startFakeProvider();
  upstream = await startRecordingServer();
  upstream.handle(answer);
  server = await startTestServer({
    extraDefinitions: provider.definitions,
    // The recording server is on 127.0.0.1, which request steps may reach only when allowed.
    workflows: { retryBaseDelayMs: 20, allowPrivateAddresses: true, requestWaitMs: 20_000 },
  });
  project = await server.createProject('Step kinds');
  await project.enable('fakeoauth');
  alice = await connectViaOAuth(server, project, 'alice');
});
afterAll(async () => {
  await server?.close();
  await upstream?.close();
  await provider?.close();
});

describe('request → integration → function → conditional → response', () => {
  let workflowId: string;
  const trigger = (body: unknown) =>
    call(server, 'POST', `/projects/${project.projectId}/sdk/triggers/${workflowId}?source=web`, {
      token: alice.token,
      body,
      headers: { 'x-trace': 'tr-1' },
    });

  beforeAll(async () => {
    workflowId = await deploy({
      description: 'Lead chain',
      trigger: { type: 'request' },
      steps: [
        {
          id: 'call',
          type: 'request',
          method: 'POST',
          url: `${upstream.url}/leads/{{trigger.body.id}}`,
          query: { source: '{{trigger.query.source}}' },
          headers: { 'x-trace': '{{trigger.headers.x-trace}}' },
          body: { name: '{{trigger.body.name}}', tags: '{{trigger.body.tags}}' },
          next: 'crm',
        },
        {
          id: 'crm',
          type: 'integration',
          method: 'POST',
          path: '/echo/crm/leads',
          body: { lead: '{{steps.call.output.body.received.name}}' },
          next: 'shape',
        },
        {
          id: 'shape',
          type: 'function',
          code: '(input) => ({ total: input.tags.length, upper: input.name.toUpperCase(), crm: input.crm })',
          input: {
            name: '{{steps.call.output.body.received.name}}',
            tags: '{{steps.call.output.body.received.tags}}',
            crm: '{{steps.crm.output.status}}',
          },
          next: 'check',
        },
        {
          id: 'check',
          type: 'conditional',
          condition: {
            all: [
              { left: '{{steps.call.output.status}}', op: 'equals', right: 200 },
              { left: '{{steps.shape.output.total}}', op: 'gt', right: 1 },
            ],
          },
          onTrue: 'answer',
          onFalse: 'reject',
        },
        {
          id: 'answer',
          type: 'response',
          status: 201,
          body: { lead: '{{steps.shape.output}}', path: '{{steps.call.output.body.path}}' },
        },
        { id: 'reject', type: 'response', status: 422, body: { message: 'one tag is not enough' } },
      ],
    });
    await enable(alice.token, workflowId);
  });

  test('every step runs with its templated input; the upstreams get what the step rendered', async () => {
    const before = upstream.requests.length;
    const echoBefore = provider.log.echo.length;
    const res = await trigger({ id: 'L1', name: 'Ada', tags: ['vip', 'eu'] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({ lead: { total: 2, upper: 'ADA', crm: 200 }, path: '/leads/L1' });

    const list = await admin('GET', `/executions?workflowId=${workflowId}&limit=1`);
    const execution = await finished(list.body.executions[0].id);
    expect(execution.status).toBe('succeeded');
    expect(ranInOrder(execution)).toEqual(['call', 'crm', 'shape', 'check', 'answer']);
    expect(stepsOf(execution).every((s) => s.status === 'succeeded' && s.attempt === 1)).toBe(true);
    expect(step(execution, 'call').input).toMatchObject({
      method: 'POST',
      url: `${upstream.url}/leads/L1`,
      query: { source: 'web' },
      headers: { 'x-trace': 'tr-1' },
      body: { name: 'Ada', tags: ['vip', 'eu'] },
    });
    expect(step(execution, 'check').output).toEqual({ result: true });

    // The plain request step: exactly one request, as rendered, with the step's idempotency key.
    const sent = upstream.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      method: 'POST',
      path: '/leads/L1',
      json: { name: 'Ada', tags: ['vip', 'eu'] },
    });
    expect(sent[0]?.query.get('source')).toBe('web');
    expect(sent[0]?.headers['x-trace']).toBe('tr-1');
    expect(sent[0]?.headers['content-type']).toBe('application/json');
    expect(sent[0]?.headers['idempotency-key']).toBe(`${execution.id}:call`);
    // The integration step: through the proxy with the user's token and its own key.
    const crm = provider.log.echo.slice(echoBefore).filter((r) => r.url === '/echo/crm/leads');
    expect(crm).toHaveLength(1);
    expect(crm[0]?.headers.authorization).toMatch(/^Bearer access-\d+$/);
    expect(crm[0]?.headers['idempotency-key']).toBe(`${execution.id}:crm`);
    expect(JSON.parse(crm[0]?.body.toString('utf8') ?? '')).toEqual({ lead: 'Ada' });
  });

  test("the conditional's other branch answers instead", async () => {
    const res = await trigger({ id: 'L2', name: 'Bo', tags: ['one'] });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ message: 'one tag is not enough' });
    const list = await admin('GET', `/executions?workflowId=${workflowId}&limit=1`);
    const execution = await finished(list.body.executions[0].id);
    expect(ranInOrder(execution)).toEqual(['call', 'crm', 'shape', 'check', 'reject']);
    expect(step(execution, 'check').output).toEqual({ result: false });
  });
});

describe('fan-out', () => {
  test('runs its steps once per item, never more than `concurrency` at a time, and collects the outputs in order', async () => {
    const items = ['a', 'b', 'c', 'd', 'e', 'f'];
    Object.assign(fan, { inFlight: 0, arrived: 0, total: items.length, waiters: [] });
    const workflowId = await deploy({
      description: 'Fan out',
      trigger: { type: 'appEvent', event: 'Fan' },
      steps: [
        {
          id: 'each',
          type: 'fanout',
          items: '{{trigger.items}}',
          concurrency: 2,
          steps: [
            {
              id: 'push',
              type: 'request',
              method: 'POST',
              url: `${upstream.url}/fan/{{item.key}}`,
              body: { index: '{{index}}', key: '{{item.key}}' },
            },
          ],
          next: 'sum',
        },
        {
          id: 'sum',
          type: 'function',
          code: '(input) => input.outputs.map((o) => o.body.item).join("")',
          input: { outputs: '{{steps.each.output}}' },
        },
      ],
    });
    await enable(alice.token, workflowId);
    // From here on maxInFlight() counts this fan-out only (reset() also restores the default handler).
    upstream.reset();
    upstream.handle(answer);
    const [id] = await sendEvent(alice.token, 'Fan', { items: items.map((key) => ({ key })) });
    const execution = await finished(id as string);
    expect(execution.status, JSON.stringify(execution.error)).toBe('succeeded');

    const pushes = received('/fan/');
    expect(pushes.map((r) => r.path).sort()).toEqual(items.map((k) => `/fan/${k}`));
    // The bound holds (never 3 at once), and is reached (the upstream held each request until a second
    // one was in flight with it).
    expect(upstream.maxInFlight()).toBe(2);
    // Each item is its own step instance with its own idempotency key.
    expect(pushes.map((r) => r.headers['idempotency-key']).sort()).toEqual(
      items.map((_, i) => `${id}:push:${i}`).sort(),
    );
    for (const request of pushes) {
      const index = Number(String(request.headers['idempotency-key']).split(':').at(-1));
      expect(request.json).toEqual({ index, key: items[index] });
    }
    const inner = execution.steps.filter((s) => s.stepId === 'push');
    expect(inner.map((s) => [s.item, s.status]).sort()).toEqual(items.map((_, i) => [i, 'succeeded']));
    expect(
      (step(execution, 'each').output as Array<{ body: { item: string } }>).map((o) => o.body.item),
    ).toEqual(items);
    expect(step(execution, 'sum').output).toBe('abcdef');
  });
});

describe('retries with back-off and continueOnFailure', () => {
  test('a step whose upstream fails twice succeeds on attempt 3, every attempt with the same key', async () => {
    const workflowId = await deploy({
      description: 'Flaky',
      trigger: { type: 'appEvent', event: 'Flaky' },
      steps: [
        {
          id: 'call',
          type: 'request',
          method: 'POST',
          url: `${upstream.url}/flaky/{{trigger.key}}`,
          retries: 3,
        },
      ],
    });
    await enable(alice.token, workflowId);
    const [id] = await sendEvent(alice.token, 'Flaky', { key: 'k1' });
    const execution = await finished(id as string);
    expect(execution.status).toBe('succeeded');
    expect(step(execution, 'call')).toMatchObject({
      status: 'succeeded',
      attempt: 3,
      output: { status: 200, body: { ok: true, calls: 3 } },
    });
    const attempts = received('/flaky/k1');
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((r) => r.headers['idempotency-key']))).toEqual(new Set([`${id}:call`]));
  });

  test('a step that always fails is tried 6 times with retries 5, then fails the execution', async () => {
    const workflowId = await deploy({
      description: 'Down',
      trigger: { type: 'appEvent', event: 'Down' },
      steps: [
        {
          id: 'call',
          type: 'request',
          method: 'GET',
          url: `${upstream.url}/down/strict`,
          retries: 5,
          next: 'after',
        },
        { id: 'after', type: 'function', code: 'return "never"' },
      ],
    });
    await enable(alice.token, workflowId);
    const [id] = await sendEvent(alice.token, 'Down', {});
    const execution = await finished(id as string);
    expect(execution.status).toBe('failed');
    expect(step(execution, 'call')).toMatchObject({
      status: 'failed',
      attempt: 6,
      error: { status: 503, message: expect.stringMatching(/answered HTTP 503/) },
    });
    expect(execution.error).toMatchObject({ stepId: 'call', message: expect.stringMatching(/HTTP 503/) });
    expect(stepsOf(execution).map((s) => s.stepId)).toEqual(['call']);
    const attempts = received('/down/strict');
    expect(attempts).toHaveLength(6);
    expect(new Set(attempts.map((r) => r.headers['idempotency-key']))).toEqual(new Set([`${id}:call`]));
  });

  test('with continueOnFailure the failed step (after its 6 attempts) becomes an error output and the run goes on', async () => {
    const workflowId = await deploy({
      description: 'Down, carry on',
      trigger: { type: 'appEvent', event: 'Carry on' },
      steps: [
        {
          id: 'call',
          type: 'request',
          method: 'GET',
          url: `${upstream.url}/down/lenient`,
          retries: 5,
          continueOnFailure: true,
          next: 'after',
        },
        {
          id: 'after',
          type: 'function',
          code: '(input) => "carried on after " + input.status',
          input: { status: '{{steps.call.output.error.status}}' },
        },
      ],
    });
    await enable(alice.token, workflowId);
    const [id] = await sendEvent(alice.token, 'Carry on', {});
    const execution = await finished(id as string);
    expect(execution.status).toBe('succeeded');
    expect(step(execution, 'call')).toMatchObject({
      status: 'failed',
      attempt: 6,
      output: { error: { status: 503, body: { error: 'always down' } } },
    });
    expect(step(execution, 'after')).toMatchObject({ status: 'succeeded', output: 'carried on after 503' });
    expect(received('/down/lenient')).toHaveLength(6);
  });

  test('a 4xx answer is not retried', async () => {
    const workflowId = await deploy({
      description: 'Refused',
      trigger: { type: 'appEvent', event: 'Refused' },
      steps: [{ id: 'call', type: 'request', method: 'POST', url: `${upstream.url}/refuse`, retries: 5 }],
    });
    await enable(alice.token, workflowId);
    const [id] = await sendEvent(alice.token, 'Refused', {});
    const execution = await finished(id as string);
    expect(execution.status).toBe('failed');
    expect(step(execution, 'call')).toMatchObject({ status: 'failed', attempt: 1, error: { status: 422 } });
    expect(received('/refuse')).toHaveLength(1);
  });
});

describe('templates from User Settings and user metadata', () => {
  test("{{settings.…}} and {{user.meta.…}} render the user's values, as they were when the execution started", async () => {
    const workflowId = await deploy(
      {
        description: 'Personalised',
        trigger: { type: 'appEvent', event: 'Personalised' },
        steps: [
          {
            id: 'notify',
            type: 'request',
            method: 'POST',
            url: `${upstream.url}/notify/{{settings.channel}}`,
            body: {
              channel: '{{settings.channel}}',
              region: '{{settings.region}}',
              plan: '{{user.meta.plan}}',
              name: '{{user.meta.Name}}',
              user: '{{user.id}}',
              text: 'Hi {{user.meta.Name}} ({{settings.region}})',
            },
          },
        ],
      },
      {
        inputs: [
          { id: 'channel', title: 'Channel', type: 'TEXT' },
          { id: 'region', title: 'Region', type: 'TEXT' },
        ],
      },
    );
    const client = createConnectClient({ fetch: (url, init) => fetch(url, init) });
    client.configureGlobal({ host: server.url });
    await client.authenticate(project.projectId, alice.token);
    await client.enableWorkflow(workflowId);
    await client.setUserMetadata({ Name: 'Alice', plan: 'pro' });
    // Through the SDK (wire protocol 5.16/5.17: PATCH /sdk/credentials/:id with the merged maps).
    const configure = async (channel: string, region: string) => {
      const workflow = await client.updateWorkflowUserSettings('fakeoauth', workflowId, { channel });
      expect(workflow.errors).toEqual([]);
      const shared = await client.updateIntegrationUserSettings('fakeoauth', { region });
      expect(shared.errors).toEqual([]);
      return shared;
    };
    const user = await configure('C042', 'eu');
    const state = user.integrations.fakeoauth as {
      sharedSettings?: Record<string, unknown>;
      workflowSettings?: Record<string, { enabled: boolean; settings: Record<string, unknown> }>;
    };
    expect(state.sharedSettings).toMatchObject({ region: 'eu' });
    expect(state.workflowSettings?.[workflowId]).toEqual({ enabled: true, settings: { channel: 'C042' } });
    expect(user.userState.userId).toBe('alice');
    await expect(client.updateWorkflowUserSettings('fakeoauth', crypto.randomUUID(), {})).rejects.toThrow(
      /was not found in the current configuration/,
    );
    await expect(client.updateIntegrationUserSettings('nosuch', {})).rejects.toThrow(/is not connected/);

    const [first] = await sendEvent(alice.token, 'Personalised', {});
    expect((await finished(first as string)).status).toBe('succeeded');
    await configure('C777', 'us');
    await client.setUserMetadata({ plan: 'enterprise' });
    const [second] = await sendEvent(alice.token, 'Personalised', {});
    expect((await finished(second as string)).status).toBe('succeeded');

    const sent = received('/notify/');
    expect(sent.map((r) => [r.path, r.headers['idempotency-key']])).toEqual([
      ['/notify/C042', `${first}:notify`],
      ['/notify/C777', `${second}:notify`],
    ]);
    expect(sent[0]?.json).toEqual({
      channel: 'C042',
      region: 'eu',
      plan: 'pro',
      name: 'Alice',
      user: 'alice',
      text: 'Hi Alice (eu)',
    });
    expect(sent[1]?.json).toMatchObject({ channel: 'C777', region: 'us', plan: 'enterprise', name: 'Alice' });
  });
});

describe("the user's workflow state decides what runs", () => {
  test('updateWorkflowState / enable / disable choose which workflows an event starts; uninstalled: none', async () => {
    const toggle = (name: string) =>
      deploy({
        description: `Toggle ${name}`,
        trigger: { type: 'appEvent', event: 'Toggle' },
        steps: [
          {
            id: 'ping',
            type: 'request',
            method: 'POST',
            url: `${upstream.url}/toggle/${name}`,
            body: '{{trigger}}',
          },
        ],
      });
    const a = await toggle('a');
    const b = await toggle('b');
    const tess = await connectViaOAuth(server, project, 'tess');
    const client = createConnectClient({ fetch: (url, init) => fetch(url, init) });
    client.configureGlobal({ host: server.url });
    await client.authenticate(project.projectId, tess.token);
    /** Sends the event; answers which of the two workflows it started, after they finished. */
    const started = async (n: number) => {
      const ids = await sendEvent(tess.token, 'Toggle', { n });
      const runs = await Promise.all(ids.map((id) => finished(id)));
      expect(runs.every((run) => run.status === 'succeeded')).toBe(true);
      const history = await admin('GET', '/executions?userId=tess&limit=100');
      const byId = new Map(
        (history.body.executions as Array<{ id: string; workflowId: string }>).map((e) => [
          e.id,
          e.workflowId,
        ]),
      );
      return ids.map((id) => (byId.get(id) === a ? 'a' : 'b')).sort();
    };

    // Never enabled: nothing.
    expect(await started(1)).toEqual([]);
    const both = await client.updateWorkflowState({ [a]: true, [b]: true });
    expect(both.errors).toEqual([]);
    expect(await started(2)).toEqual(['a', 'b']);
    // One off, and one that cannot change (unknown): reported, the others still applied.
    const unknown = crypto.randomUUID();
    const mixed = await client.updateWorkflowState({ [a]: false, [unknown]: true });
    expect(mixed.errors).toEqual([{ workflowId: unknown, message: expect.stringMatching(/not found/i) }]);
    expect(await started(3)).toEqual(['b']);
    await client.disableWorkflow(b);
    expect(await started(4)).toEqual([]);
    await client.enableWorkflow(a);
    expect(await started(5)).toEqual(['a']);

    // Uninstalled: the credential (and with it the enabled state) is gone, so nothing starts.
    await client.uninstallIntegration('fakeoauth');
    expect(await sendEvent(tess.token, 'Toggle', { n: 6 })).toEqual([]);

    const pings = received('/toggle/').map((r) => [r.path, (r.json as { n: number }).n]);
    expect(pings.sort()).toEqual([
      ['/toggle/a', 2],
      ['/toggle/a', 5],
      ['/toggle/b', 2],
      ['/toggle/b', 3],
    ]);
  });
});

describe('the private-address guard of request steps', () => {
  test('outside development mode a request step to a private address fails at once, with the reason, and sends nothing', async () => {
    const strict = await startTestServer({
      extraDefinitions: provider.definitions,
      workflows: { retryBaseDelayMs: 20 },
    });
    try {
      const p = await strict.createProject('Strict');
      await p.enable('fakeoauth');
      const user = await connectViaOAuth(strict, p, 'sam');
      const adminOf = (method: string, path: string, body?: unknown) =>
        call(strict, method, `/admin/projects/${p.projectId}${path}`, {
          token: p.apiKey,
          ...(body !== undefined ? { body } : {}),
        });
      const created = await adminOf('POST', '/workflows', { integration: 'fakeoauth', description: 'SSRF' });
      const deployed = await adminOf('POST', `/workflows/${created.body.id}/versions`, {
        integration: 'fakeoauth',
        description: 'SSRF',
        trigger: { type: 'appEvent', event: 'Fetch' },
        steps: [
          // The URL comes from the event payload: exactly what the guard is for.
          {
            id: 'fetch',
            type: 'request',
            method: 'GET',
            url: '{{trigger.url}}',
            retries: 3,
            continueOnFailure: true,
            next: 'meta',
          },
          { id: 'meta', type: 'request', method: 'GET', url: 'http://169.254.169.254/latest/meta-data/' },
        ],
      });
      expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
      const on = await call(strict, 'POST', `/projects/${p.projectId}/sdk/workflows/${created.body.id}`, {
        token: user.token,
      });
      expect(on.status).toBe(200);
      const before = upstream.requests.length;
      const sent = await call(strict, 'POST', `/v2/projects/${p.projectId}/sdk/events/trigger`, {
        token: user.token,
        body: { name: 'Fetch', payload: { url: `${upstream.url}/internal` } },
      });
      const id = sent.body.executionIds[0] as string;
      let execution: ExecutionView | undefined;
      for (let i = 0; i < 400 && execution?.status !== 'failed' && execution?.status !== 'succeeded'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        execution = (await adminOf('GET', `/executions/${id}`)).body;
      }
      if (!execution) throw new Error('no execution');
      expect(execution.status).toBe('failed');
      const fetchStep = execution.steps.find((s) => s.stepId === 'fetch');
      // Not retried (attempt 1 of 4), and recorded with why.
      expect(fetchStep).toMatchObject({
        status: 'failed',
        attempt: 1,
        output: {
          error: {
            code: 'PROXY_DESTINATION_REFUSED',
            status: 403,
            message: expect.stringMatching(
              /^Refused to send the request to 127\.0\.0\.1: it is a loopback, private or reserved address/,
            ),
          },
        },
      });
      expect(execution.steps.find((s) => s.stepId === 'meta')).toMatchObject({
        status: 'failed',
        attempt: 1,
        error: {
          message: expect.stringMatching(/169\.254\.169\.254: it is a loopback, private or reserved address/),
        },
      });
      expect(execution.error).toMatchObject({ stepId: 'meta' });
      expect(upstream.requests.length).toBe(before);
    } finally {
      await strict.close();
    }
  });
});
