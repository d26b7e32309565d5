import type { WorkflowDefinition } from '@switchboard/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { applyStepResult } from './applyStepResult';
import { createFunctionRunner } from './createFunctionRunner';
import { defineWorkflow } from './defineWorkflow';
import { driveExecution } from './driveExecution';
import {
  createExecutionState,
  type ExecutionState,
  executionStateSchema,
  type JsonValue,
} from './executionState';
import { planNext } from './planNext';
import { retryBaseDelayMs } from './retryDelay';
import { runStep, type StepDeps } from './runStep';
import { contactCreated, leadCreated } from './testing/demoWorkflows';
import { localIntegrationRequest } from './testing/localIntegrationRequest';
import {
  type RecordedRequest,
  type RecordingServer,
  startRecordingServer,
} from './testing/startRecordingServer';

let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const t0 = new Date('2025-03-01T12:00:00.000Z');
const runFunction = createFunctionRunner({ timeoutMs: 3000 });

/** A clock the test moves by hand. */
function clock(start = t0) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (ms: number) => {
      current += ms;
    },
    set: (iso: string) => {
      current = Date.parse(iso);
    },
  };
}

function deps(now: () => Date): StepDeps {
  return {
    fetch: globalThis.fetch,
    integrationRequest: localIntegrationRequest(`${server.url}/api`),
    runFunction,
    now,
  };
}

/** What a store does: write JSON, read it back, check it against the schema. */
function persist(state: ExecutionState): ExecutionState {
  return executionStateSchema.parse(JSON.parse(JSON.stringify(state)));
}

function newExecution(trigger: JsonValue, extra: Partial<Parameters<typeof createExecutionState>[0]> = {}) {
  return persist(
    createExecutionState({
      executionId: 'exec-1',
      trigger,
      user: { id: 'user-1', meta: { plan: 'pro' } },
      now: t0,
      ...extra,
    }),
  );
}

/**
 * Drives an execution one step at a time, persisting (JSON round trip) after every plan and every
 * result, as a worker that may die at any moment must. Stops when finished or waiting.
 */
async function stepByStep(definition: WorkflowDefinition, start: ExecutionState, time = clock()) {
  let state = start;
  for (let round = 0; round < 200; round += 1) {
    const plan = planNext(definition, state, time.now());
    state = persist(plan.state);
    const action = plan.actions[0];
    if (!action) return state;
    const outcome = await runStep(action.step, action.input, {
      ...deps(time.now),
      idempotencyKey: action.idempotencyKey,
      integration: definition.integration,
    });
    state = persist(
      applyStepResult(definition, state, { key: action.key, attempt: action.attempt, outcome }, time.now()),
    );
  }
  throw new Error('too many rounds');
}

/** A stand-in for the Sandbox CRM's contacts API under /api. */
function crm(options: { failCreates?: number; status?: number } = {}) {
  const contacts: { id: string; name: string; email: string }[] = [
    { id: 'ct_0', name: 'Ada', email: 'ada@example.com' },
  ];
  let failures = options.failCreates ?? 0;
  server.handle((request: RecordedRequest) => {
    if (request.method === 'GET' && request.path === '/api/contacts') return { body: { data: contacts } };
    if (request.method === 'POST' && request.path === '/api/contacts') {
      if (failures > 0) {
        failures -= 1;
        return { status: options.status ?? 503, body: { error: 'try later' } };
      }
      const body = request.json as { name: string; email: string };
      if (!body.email) return { status: 400, body: { error: 'email is required' } };
      const contact = { id: `ct_${contacts.length}`, ...body };
      contacts.push(contact);
      return { status: 201, body: contact };
    }
    if (request.method === 'PATCH') return { body: { updated: request.path } };
    return { status: 404, body: { error: 'no route' } };
  });
  return contacts;
}

describe('a full run through planNext/applyStepResult', () => {
  const findOrCreate = defineWorkflow({
    integration: 'sandbox',
    description: 'Find or create a contact, answer with it',
    trigger: { type: 'request' },
    steps: [
      { id: 'list', type: 'integration', method: 'GET', path: '/contacts', next: 'find' },
      {
        id: 'find',
        type: 'function',
        code: '({ contacts, email }) => contacts.find((c) => c.email === email) ?? null',
        input: { contacts: '{{steps.list.output.body.data}}', email: '{{trigger.body.email}}' },
        next: 'known',
      },
      {
        id: 'known',
        type: 'conditional',
        condition: { left: '{{steps.find.output}}', op: 'exists' },
        onTrue: 'answerKnown',
        onFalse: 'create',
      },
      { id: 'answerKnown', type: 'response', body: { known: true, contact: '{{steps.find.output}}' } },
      {
        id: 'create',
        type: 'integration',
        method: 'POST',
        path: '/contacts',
        body: { name: '{{trigger.body.name}}', email: '{{trigger.body.email}}' },
        next: 'answerCreated',
      },
      {
        id: 'answerCreated',
        type: 'response',
        status: 201,
        body: { known: false, contact: '{{steps.create.output.body}}', plan: '{{user.meta.plan}}' },
        next: 'after',
      },
      { id: 'after', type: 'function', code: 'return "ran after the response"' },
    ],
  });

  test('takes the branch the data chooses, with the state persisted between every step', async () => {
    crm();
    const state = await stepByStep(
      findOrCreate,
      newExecution({ body: { name: 'Brandon', email: 'brandon@example.com' }, query: {}, headers: {} }),
    );
    expect(state.status).toBe('succeeded');
    expect(state.response).toEqual({
      status: 201,
      headers: {},
      body: {
        known: false,
        contact: { id: 'ct_1', name: 'Brandon', email: 'brandon@example.com' },
        plan: 'pro',
      },
    });
    expect(Object.keys(state.steps)).toEqual(['list', 'find', 'known', 'create', 'answerCreated', 'after']);
    expect(Object.values(state.steps).map((record) => record.status)).toEqual(Array(6).fill('succeeded'));
    expect(state.steps.find?.output).toBeNull();
    expect(state.steps.known?.output).toEqual({ result: false });
    expect(state.steps.after?.output).toBe('ran after the response');
    expect(state.steps.create?.input).toEqual({
      method: 'POST',
      url: '/contacts',
      query: {},
      headers: {},
      body: { name: 'Brandon', email: 'brandon@example.com' },
    });
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /api/contacts',
      'POST /api/contacts',
    ]);
  });

  test('the other branch', async () => {
    crm();
    const state = await stepByStep(
      findOrCreate,
      newExecution({ body: { name: 'Ada', email: 'ada@example.com' }, query: {}, headers: {} }),
    );
    expect(state.status).toBe('succeeded');
    expect(state.response?.body).toEqual({
      known: true,
      contact: { id: 'ct_0', name: 'Ada', email: 'ada@example.com' },
    });
    expect(Object.keys(state.steps)).toEqual(['list', 'find', 'known', 'answerKnown']);
  });

  test('planNext is idempotent: planning again before a result changes nothing', () => {
    const state = newExecution({ body: {}, query: {}, headers: {} });
    const first = planNext(findOrCreate, state, t0);
    const again = planNext(findOrCreate, persist(first.state), t0);
    expect(again.state).toEqual(first.state);
    expect(again.actions).toEqual(first.actions);
    expect(first.actions).toMatchObject([{ key: 'list', attempt: 1, idempotencyKey: 'exec-1:list' }]);
  });

  test('a report that is stale or applied twice changes nothing', async () => {
    const state = persist(
      planNext(findOrCreate, newExecution({ body: {}, query: {}, headers: {} }), t0).state,
    );
    const report = {
      key: 'list',
      attempt: 1,
      outcome: { ok: true as const, output: { status: 200, headers: {}, body: {} } },
    };
    const once = applyStepResult(findOrCreate, state, report, t0);
    expect(applyStepResult(findOrCreate, once, report, t0)).toBe(once);
    expect(applyStepResult(findOrCreate, state, { ...report, attempt: 2 }, t0)).toBe(state);
    expect(applyStepResult(findOrCreate, state, { ...report, key: 'nope' }, t0)).toBe(state);
  });
});

describe('durability: crash and resume', () => {
  test('an attempt cut off mid-way is run again with the same attempt and idempotency key', async () => {
    crm();
    const time = clock();
    let state = newExecution({ name: 'Brandon', email: 'brandon@example.com' });
    state = persist(planNext(contactCreated, state, time.now()).state);
    // The conditional runs and is recorded.
    const conditional = planNext(contactCreated, state, time.now()).actions[0];
    expect(conditional?.stepId).toBe('hasEmail');
    if (!conditional) return;
    const decided = await runStep(conditional.step, conditional.input, {
      ...deps(time.now),
      idempotencyKey: conditional.idempotencyKey,
      integration: 'sandbox',
    });
    state = persist(
      applyStepResult(
        contactCreated,
        state,
        { key: conditional.key, attempt: 1, outcome: decided },
        time.now(),
      ),
    );

    // Worker A plans the POST, persists, sends it... and dies before recording the answer.
    const planA = planNext(contactCreated, state, time.now());
    const persisted = JSON.stringify(planA.state);
    const actionA = planA.actions[0];
    expect(actionA).toMatchObject({
      stepId: 'createContact',
      attempt: 1,
      idempotencyKey: 'exec-1:createContact',
    });
    if (!actionA) return;
    await runStep(actionA.step, actionA.input, {
      ...deps(time.now),
      idempotencyKey: actionA.idempotencyKey,
      integration: 'sandbox',
    });

    // Worker B, later, resumes from what was persisted: same step, same attempt, same key.
    time.advance(60_000);
    const resumed = await driveExecution({
      definition: contactCreated,
      state: executionStateSchema.parse(JSON.parse(persisted)),
      deps: deps(time.now),
    });
    expect(resumed.status).toBe('succeeded');
    expect(resumed.steps.createContact).toMatchObject({ attempt: 1, status: 'succeeded' });
    const keys = server.requests.map((request) => request.headers['idempotency-key']);
    expect(keys).toEqual(['exec-1:createContact', 'exec-1:createContact']);
  });

  test('fan-out items have their own stable keys', () => {
    const definition = defineWorkflow({
      integration: 'sandbox',
      description: 'keys',
      trigger: { type: 'appEvent', event: 'x' },
      steps: [
        {
          id: 'each',
          type: 'fanout',
          items: '{{trigger.ids}}',
          concurrency: 2,
          steps: [{ id: 'touch', type: 'integration', method: 'PATCH', path: '/contacts/{{item}}' }],
        },
      ],
    });
    const state = newExecution({ ids: ['a', 'b', 'c'] });
    const first = planNext(definition, state, t0);
    const again = planNext(definition, persist(first.state), t0);
    const keys = (plan: typeof first) =>
      plan.actions.map((action) => [action.key, action.idempotencyKey, action.input]);
    expect(keys(first)).toEqual([
      ['touch[0]', 'exec-1:touch:0', expect.objectContaining({ url: '/contacts/a' })],
      ['touch[1]', 'exec-1:touch:1', expect.objectContaining({ url: '/contacts/b' })],
    ]);
    expect(keys(again)).toEqual(keys(first));
  });
});

describe('retries, back-off and continueOnFailure', () => {
  const create = (overrides: object = {}) =>
    defineWorkflow({
      integration: 'sandbox',
      description: 'retry',
      trigger: { type: 'appEvent', event: 'Contact Created' },
      steps: [
        {
          id: 'create',
          type: 'integration',
          method: 'POST',
          path: '/contacts',
          body: { name: '{{trigger.name}}', email: '{{trigger.email}}' },
          retries: 3,
          next: 'report',
          ...overrides,
        },
        {
          id: 'report',
          type: 'function',
          code: '(input) => input',
          input: { created: '{{steps.create.output}}' },
        },
      ],
    });

  test('retryable failures wait with exponential back-off, then succeed; the key never changes', async () => {
    crm({ failCreates: 2 });
    const time = clock();
    const definition = create();
    let state = await stepByStep(definition, newExecution({ name: 'B', email: 'b@example.com' }), time);
    expect(state.status).toBe('waiting');
    const first = state.steps.create;
    expect(first).toMatchObject({ status: 'retrying', attempt: 1, error: { status: 503 } });
    const wait1 = Date.parse(first?.notBefore ?? '') - time.now().getTime();
    expect(wait1).toBeGreaterThanOrEqual(retryBaseDelayMs * 0.8);
    expect(wait1).toBeLessThanOrEqual(retryBaseDelayMs * 1.2);
    expect(state.wakeAt).toBe(first?.notBefore);

    // Before the back-off ends, nothing runs.
    time.advance(wait1 - 1);
    expect(planNext(definition, state, time.now()).actions).toEqual([]);

    time.set(state.wakeAt ?? '');
    state = await stepByStep(definition, state, time);
    const second = state.steps.create;
    expect(second).toMatchObject({ status: 'retrying', attempt: 2 });
    const wait2 = Date.parse(second?.notBefore ?? '') - time.now().getTime();
    expect(wait2).toBeGreaterThanOrEqual(retryBaseDelayMs * 2 * 0.8);
    expect(wait2).toBeLessThanOrEqual(retryBaseDelayMs * 2 * 1.2);

    time.set(state.wakeAt ?? '');
    state = await stepByStep(definition, state, time);
    expect(state.status).toBe('succeeded');
    expect(state.steps.create).toMatchObject({ status: 'succeeded', attempt: 3, output: { status: 201 } });
    expect(state.steps.create?.error).toBeUndefined();
    expect(server.requests.map((request) => request.headers['idempotency-key'])).toEqual(
      Array(3).fill('exec-1:create'),
    );
  });

  test('Retry-After is honoured when it is longer than the back-off', async () => {
    server.handle(() => ({ status: 429, headers: { 'retry-after': '300' } }));
    const state = await stepByStep(create(), newExecution({ name: 'B', email: 'b@example.com' }));
    expect(state.steps.create?.notBefore).toBe(new Date(t0.getTime() + 300_000).toISOString());
  });

  test('when the retries run out, the execution fails with the step error', async () => {
    crm({ failCreates: 10, status: 500 });
    const time = clock();
    const definition = create({ retries: 1 });
    let state = await stepByStep(definition, newExecution({ name: 'B', email: 'b@example.com' }), time);
    time.set(state.wakeAt ?? '');
    state = await stepByStep(definition, state, time);
    expect(state.status).toBe('failed');
    expect(state.error).toEqual({ stepId: 'create', message: 'sandbox POST /contacts answered HTTP 500' });
    expect(state.steps.create).toMatchObject({ status: 'failed', attempt: 2 });
    expect(state.steps.report).toBeUndefined();
    expect(server.requests).toHaveLength(2);
  });

  test('a failure that cannot succeed is not retried', async () => {
    crm();
    const state = await stepByStep(create(), newExecution({ name: 'B', email: '' }));
    expect(state.status).toBe('failed');
    expect(state.steps.create).toMatchObject({ status: 'failed', attempt: 1, error: { status: 400 } });
    expect(server.requests).toHaveLength(1);
  });

  test('continueOnFailure records the error as the output and goes on', async () => {
    crm();
    const state = await stepByStep(
      create({ continueOnFailure: true }),
      newExecution({ name: 'B', email: '' }),
    );
    expect(state.status).toBe('succeeded');
    expect(state.steps.create).toMatchObject({
      status: 'failed',
      output: { error: { status: 400, body: { error: 'email is required' } } },
    });
    expect(state.steps.report?.output).toEqual({
      created: {
        error: {
          message: 'sandbox POST /contacts answered HTTP 400',
          status: 400,
          body: { error: 'email is required' },
        },
      },
    });
  });

  test('an input that cannot be rendered fails the step without running it', async () => {
    const definition = defineWorkflow({
      integration: 'sandbox',
      description: 'bad items',
      trigger: { type: 'appEvent', event: 'x' },
      steps: [
        {
          id: 'each',
          type: 'fanout',
          items: '{{trigger.notAList}}',
          steps: [{ id: 'touch', type: 'integration', method: 'GET', path: '/x' }],
        },
      ],
    });
    const plan = planNext(definition, newExecution({ notAList: 'abc' }), t0);
    expect(plan.actions).toEqual([]);
    expect(plan.state.status).toBe('failed');
    expect(plan.state.error?.message).toMatch(/items rendered to string, not an array/);
  });
});

describe('fan-out', () => {
  const fanout = (concurrency: number, overrides: object = {}) =>
    defineWorkflow({
      integration: 'sandbox',
      description: 'tag every contact',
      trigger: { type: 'appEvent', event: 'Tag' },
      steps: [
        { id: 'list', type: 'request', method: 'GET', url: `${server.url}/contacts`, next: 'each' },
        {
          id: 'each',
          type: 'fanout',
          items: '{{steps.list.output.body.data}}',
          concurrency,
          steps: [
            {
              id: 'vip',
              type: 'conditional',
              condition: { left: '{{item.score}}', op: 'gt', right: '{{trigger.threshold}}' },
              onTrue: 'tag',
            },
            {
              id: 'tag',
              type: 'request',
              method: 'PATCH',
              url: `${server.url}/contacts/{{item.id}}`,
              body: { tag: 'vip', position: '{{index}}', decided: '{{steps.vip.output.result}}' },
            },
          ],
          next: 'count',
          ...overrides,
        },
        {
          id: 'count',
          type: 'function',
          code: '(input) => input.results.filter((r) => r.status === 200).length',
          input: { results: '{{steps.each.output}}' },
        },
      ],
    });

  const contacts = Array.from({ length: 8 }, (_, i) => ({ id: `ct_${i}`, score: i * 10 }));

  test('runs at most `concurrency` items at once and collects each item’s last output in order', async () => {
    server.handle((request) =>
      request.method === 'GET'
        ? { body: { data: contacts } }
        : request.path === '/contacts/ct_6'
          ? { status: 200, body: { tagged: request.path }, delayMs: 10 }
          : { body: { tagged: request.path }, delayMs: 100 },
    );
    const definition = fanout(3);
    const states: ExecutionState[] = [];
    const state = await driveExecution({
      definition,
      state: newExecution({ threshold: 15 }),
      deps: deps(() => new Date()),
      onState: (next) => {
        states.push(persist(next));
      },
    });
    expect(state.status).toBe('succeeded');
    expect(server.maxInFlight()).toBe(3);
    // Items 0 and 1 score ≤ 15: their last step is the conditional; the others end with the PATCH.
    const output = state.steps.each?.output as { result?: boolean; status?: number; body?: unknown }[];
    expect(output).toHaveLength(8);
    expect(output.slice(0, 2)).toEqual([{ result: false }, { result: false }]);
    expect(output.slice(2).map((item) => item.body)).toEqual(
      contacts.slice(2).map((contact) => ({ tagged: `/contacts/${contact.id}` })),
    );
    expect(state.steps.count?.output).toBe(6);
    const patches = server.requests.filter((request) => request.method === 'PATCH');
    expect(patches.map((request) => request.json)).toContainEqual({ tag: 'vip', position: 4, decided: true });
    expect(new Set(patches.map((request) => request.headers['idempotency-key'])).size).toBe(6);
    // Never more than 3 items unfinished in any persisted state.
    for (const snapshot of states) {
      const unfinished = new Set(
        Object.values(snapshot.steps)
          .filter((record) => record.item !== undefined && !['succeeded', 'failed'].includes(record.status))
          .map((record) => record.item),
      );
      expect(unfinished.size).toBeLessThanOrEqual(3);
    }
  });

  test('an item that fails fails the fan-out and cancels the items under way', async () => {
    server.handle((request) =>
      request.method === 'GET'
        ? { body: { data: contacts } }
        : request.path === '/contacts/ct_3'
          ? { status: 404, body: { error: 'gone' } }
          : { body: {}, delayMs: 200 },
    );
    const state = await driveExecution({
      definition: fanout(4),
      state: newExecution({ threshold: 0 }),
      deps: deps(() => new Date()),
    });
    expect(state.status).toBe('failed');
    expect(state.error).toEqual({
      stepId: 'each',
      message: `item 3 failed at step "tag": PATCH ${server.url}/contacts/ct_3 answered HTTP 404`,
    });
    const statuses = Object.values(state.steps)
      .filter((record) => record.stepId === 'tag')
      .map((record) => record.status);
    expect(statuses).toContain('cancelled');
    expect(statuses).toContain('failed');
    expect(state.steps.count).toBeUndefined();
  });

  test('with continueOnFailure the fan-out failure becomes its output', async () => {
    server.handle((request) =>
      request.method === 'GET'
        ? { body: { data: [{ id: 'x', score: 99 }] } }
        : { status: 400, body: { error: 'no' } },
    );
    const state = await driveExecution({
      definition: fanout(2, { continueOnFailure: true }),
      state: newExecution({ threshold: 0 }),
      deps: deps(() => new Date()),
    });
    expect(state.status).toBe('failed');
    // `count` reads `.filter` of `{ error }`: it fails, and so the execution does; the fan-out went on.
    expect(state.steps.each).toMatchObject({
      status: 'failed',
      output: { error: { message: expect.stringMatching(/item 0 failed/) } },
    });
    expect(state.error?.stepId).toBe('count');
  });

  test('an empty list finishes at once with an empty output', async () => {
    server.handle(() => ({ body: { data: [] } }));
    const state = await driveExecution({
      definition: fanout(2),
      state: newExecution({ threshold: 0 }),
      deps: deps(() => new Date()),
    });
    expect(state.status).toBe('succeeded');
    expect(state.steps.each?.output).toEqual([]);
    expect(state.steps.count?.output).toBe(0);
  });
});

describe('delay', () => {
  const delayed = defineWorkflow({
    integration: 'sandbox',
    description: 'follow up tomorrow',
    trigger: { type: 'appEvent', event: 'Signed Up' },
    steps: [
      { id: 'wait', type: 'delay', seconds: 86_400, next: 'followUp' },
      {
        id: 'followUp',
        type: 'integration',
        method: 'POST',
        path: '/contacts',
        body: { name: 'x', email: '{{trigger.email}}' },
      },
    ],
  });

  test('a delay produces a wake-up time; the execution waits, durably, then goes on', async () => {
    crm();
    const time = clock();
    let state = await stepByStep(delayed, newExecution({ email: 'later@example.com' }), time);
    expect(state.status).toBe('waiting');
    expect(state.wakeAt).toBe('2025-03-02T12:00:00.000Z');
    expect(state.steps.wait).toMatchObject({ status: 'waiting', wakeAt: '2025-03-02T12:00:00.000Z' });

    // A worker picking it up early finds nothing to do.
    time.advance(3_600_000);
    const early = planNext(delayed, state, time.now());
    expect(early.actions).toEqual([]);
    expect(early.state.status).toBe('waiting');

    // After a "restart" (only the persisted JSON survives), at the wake-up time it goes on.
    state = executionStateSchema.parse(JSON.parse(JSON.stringify(state)));
    time.set('2025-03-02T12:00:00.000Z');
    state = await stepByStep(delayed, state, time);
    expect(state.status).toBe('succeeded');
    expect(state.steps.wait).toMatchObject({ status: 'succeeded', finishedAt: '2025-03-02T12:00:00.000Z' });
    expect(server.requests).toHaveLength(1);
  });

  test('delays inside a fan-out wait per item; the execution wakes at the earliest', async () => {
    const definition = defineWorkflow({
      integration: 'sandbox',
      description: 'staggered',
      trigger: { type: 'appEvent', event: 'x' },
      steps: [
        {
          id: 'each',
          type: 'fanout',
          items: '{{trigger.waits}}',
          steps: [{ id: 'pause', type: 'delay', seconds: '{{item}}' }],
        },
      ],
    });
    const time = clock();
    let state = await stepByStep(definition, newExecution({ waits: [300, 60, 600] }), time);
    expect(state.status).toBe('waiting');
    expect(state.wakeAt).toBe('2025-03-01T12:01:00.000Z');
    time.set(state.wakeAt ?? '');
    state = await stepByStep(definition, state, time);
    expect(state.wakeAt).toBe('2025-03-01T12:05:00.000Z');
    time.set('2025-03-01T12:10:00.000Z');
    state = await stepByStep(definition, state, time);
    expect(state.status).toBe('succeeded');
  });
});

describe('the demo workflows', () => {
  test('Contact Created creates the contact; an event without an email skips it', async () => {
    const contacts = crm();
    const state = await driveExecution({
      definition: contactCreated,
      state: newExecution({ name: 'Brandon', email: 'brandon@example.com' }),
      deps: deps(() => t0),
    });
    expect(state.status).toBe('succeeded');
    expect(contacts.at(-1)).toEqual({ id: 'ct_1', name: 'Brandon', email: 'brandon@example.com' });

    // The seed's own example payload has an empty email.
    const skipped = await driveExecution({
      definition: contactCreated,
      state: newExecution({ name: 'Brandon', email: '' }),
      deps: deps(() => t0),
    });
    expect(skipped.status).toBe('succeeded');
    expect(Object.keys(skipped.steps)).toEqual(['hasEmail']);
    expect(contacts).toHaveLength(2);
  });

  test('Lead Created answers with the CRM contact, or with the error', async () => {
    crm();
    const trigger = {
      body: { email: 'bowie@example.com', first_name: 'Bowie', last_name: 'Foo' },
      query: {},
      headers: {},
    };
    const state = await driveExecution({
      definition: leadCreated,
      state: newExecution(trigger),
      deps: deps(() => t0),
    });
    expect(state.response).toEqual({
      status: 201,
      headers: {},
      body: { contactId: 'ct_1', contact: { id: 'ct_1', name: 'Bowie Foo', email: 'bowie@example.com' } },
    });

    const refused = await driveExecution({
      definition: leadCreated,
      state: newExecution({ ...trigger, body: { ...trigger.body, email: '' } }),
      deps: deps(() => t0),
    });
    expect(refused.status).toBe('succeeded');
    expect(refused.response).toEqual({
      status: 502,
      headers: {},
      body: { message: 'The CRM refused the lead: sandbox POST /contacts answered HTTP 400' },
    });
  });
});
