import { AppError, type FanoutBodyStep, type WorkflowStep } from '@switchboard/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createFunctionRunner } from './createFunctionRunner';
import { renderStepInput } from './renderStepInput';
import { runStep, type StepContext } from './runStep';
import { localIntegrationRequest } from './testing/localIntegrationRequest';
import { type RecordingServer, startRecordingServer } from './testing/startRecordingServer';

let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const now = new Date('2025-03-01T12:00:00.000Z');

function context(overrides: Partial<StepContext> = {}): StepContext {
  return {
    fetch: globalThis.fetch,
    integrationRequest: localIntegrationRequest(`${server.url}/api`),
    runFunction: createFunctionRunner({ timeoutMs: 3000 }),
    now: () => now,
    idempotencyKey: 'exec-1:step-1',
    integration: 'sandbox',
    ...overrides,
  };
}

const scope = {
  trigger: { name: 'Brandon', email: 'brandon@example.com', tags: ['new'] },
  steps: {},
  settings: { region: 'eu' },
  user: { id: 'user-1', meta: {} },
};

/** Renders the step's input like planNext does, then runs it. */
async function render(step: WorkflowStep | FanoutBodyStep, overrides: Partial<StepContext> = {}) {
  return runStep(step, JSON.parse(JSON.stringify(renderStepInput(step, scope) ?? null)), context(overrides));
}

describe('request step', () => {
  test('sends the rendered method, URL, query, headers and JSON body with the idempotency key', async () => {
    server.handle(() => ({ status: 201, body: { id: 'lead-1' }, headers: { 'x-trace': 't-1' } }));
    const outcome = await render({
      id: 'post',
      type: 'request',
      method: 'POST',
      url: `${server.url}/leads/{{user.id}}`,
      query: { region: '{{settings.region}}' },
      headers: { 'x-name': '{{trigger.name}}' },
      body: { email: '{{trigger.email}}', tags: '{{trigger.tags}}' },
    });
    expect(outcome).toEqual({
      ok: true,
      output: { status: 201, headers: expect.objectContaining({ 'x-trace': 't-1' }), body: { id: 'lead-1' } },
    });
    const [request] = server.requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/leads/user-1',
      json: { email: 'brandon@example.com', tags: ['new'] },
    });
    expect(request?.query.get('region')).toBe('eu');
    expect(request?.headers).toMatchObject({
      'idempotency-key': 'exec-1:step-1',
      'x-name': 'Brandon',
      'content-type': 'application/json',
    });
  });

  test('a string body is sent as is; text answers are kept as text', async () => {
    server.handle((request) => ({ body: `echo:${request.body}`, headers: { 'content-type': 'text/plain' } }));
    const outcome = await render({
      id: 'raw',
      type: 'request',
      method: 'PUT',
      url: `${server.url}/raw`,
      headers: { 'content-type': 'text/plain' },
      body: 'hello {{trigger.name}}',
    });
    expect(outcome).toMatchObject({ ok: true, output: { status: 200, body: 'echo:hello Brandon' } });
  });

  test.each([
    [429, true],
    [500, true],
    [503, true],
    [408, true],
    [400, false],
    [404, false],
    [422, false],
  ])('HTTP %i fails, retryable: %s, with the status and body', async (status, retryable) => {
    server.handle(() => ({ status, body: { error: 'nope' } }));
    const outcome = await render({ id: 'get', type: 'request', method: 'GET', url: `${server.url}/x` });
    expect(outcome).toEqual({
      ok: false,
      error: { message: `GET ${server.url}/x answered HTTP ${status}`, status, body: { error: 'nope' } },
      retryable,
    });
  });

  test("Retry-After is passed on as the server's hint", async () => {
    server.handle(() => ({ status: 429, headers: { 'retry-after': '120' } }));
    const outcome = await render({ id: 'get', type: 'request', method: 'GET', url: `${server.url}/x` });
    expect(outcome).toMatchObject({ ok: false, retryable: true, retryAfterMs: 120_000 });
  });

  test('an unreachable host and a timeout are retryable; a bad URL is not', async () => {
    const closed = await startRecordingServer();
    await closed.close();
    expect(await render({ id: 'get', type: 'request', method: 'GET', url: `${closed.url}/x` })).toMatchObject(
      {
        ok: false,
        retryable: true,
        error: { message: expect.stringMatching(/^GET http:\/\/127.0.0.1:\d+\/x failed: /) },
      },
    );
    server.handle(() => ({ delayMs: 500 }));
    expect(
      await render(
        { id: 'slow', type: 'request', method: 'GET', url: `${server.url}/slow` },
        { requestTimeoutMs: 50 },
      ),
    ).toMatchObject({
      ok: false,
      retryable: true,
      error: { message: expect.stringMatching(/no answer within 50 ms/) },
    });
    expect(await render({ id: 'bad', type: 'request', method: 'GET', url: '{{trigger.missing}}/x' })).toEqual(
      {
        ok: false,
        retryable: false,
        error: { message: expect.stringMatching(/"\/x" is not an absolute http\(s\) URL/) },
      },
    );
  });

  test('an oversized response fails without retry', async () => {
    server.handle(() => ({ body: 'x'.repeat(2000), headers: { 'content-type': 'text/plain' } }));
    expect(
      await render(
        { id: 'big', type: 'request', method: 'GET', url: `${server.url}/big` },
        { maxResponseBytes: 1000 },
      ),
    ).toMatchObject({
      ok: false,
      retryable: false,
      error: { message: expect.stringMatching(/larger than 1000 bytes/) },
    });
  });
});

describe('integration step', () => {
  test('goes through integrationRequest with the path, query, body and idempotency key', async () => {
    const integrationRequest = localIntegrationRequest(`${server.url}/api`);
    server.handle(() => ({ status: 201, body: { id: 'ct_1', name: 'Brandon' } }));
    const outcome = await render(
      {
        id: 'create',
        type: 'integration',
        method: 'POST',
        path: '/contacts',
        query: { source: 'workflow' },
        headers: { 'Idempotency-Key': 'the user cannot override it' },
        body: { name: '{{trigger.name}}', email: '{{trigger.email}}' },
      },
      { integrationRequest },
    );
    expect(outcome).toEqual({
      ok: true,
      output: { status: 201, headers: expect.any(Object), body: { id: 'ct_1', name: 'Brandon' } },
    });
    expect(integrationRequest.calls).toEqual([
      {
        integration: 'sandbox',
        method: 'POST',
        path: '/contacts',
        query: { source: 'workflow' },
        headers: { 'Idempotency-Key': 'exec-1:step-1' },
        body: { name: 'Brandon', email: 'brandon@example.com' },
      },
    ]);
    expect(server.requests[0]).toMatchObject({
      path: '/api/contacts',
      headers: { 'idempotency-key': 'exec-1:step-1' },
    });
  });

  test('a 5xx is retryable; an AppError from the proxy path keeps its code', async () => {
    server.handle(() => ({ status: 502, body: { message: 'bad gateway' } }));
    expect(await render({ id: 'get', type: 'integration', method: 'GET', path: '/contacts' })).toMatchObject({
      ok: false,
      retryable: true,
      error: { message: 'sandbox GET /contacts answered HTTP 502', status: 502 },
    });
    const refused = async () => {
      throw new AppError('CREDENTIAL_INVALID', 409, 'The Sandbox CRM connection needs to be reconnected.');
    };
    expect(
      await render(
        { id: 'get', type: 'integration', method: 'GET', path: '/contacts' },
        { integrationRequest: refused },
      ),
    ).toEqual({
      ok: false,
      retryable: false,
      error: {
        message: 'The Sandbox CRM connection needs to be reconnected.',
        code: 'CREDENTIAL_INVALID',
        status: 409,
      },
    });
  });
});

describe('function, conditional, delay and response steps', () => {
  test('function: the rendered input in, the returned value out; a throw is retryable, a syntax error is not', async () => {
    expect(
      await render({
        id: 'fn',
        type: 'function',
        code: '(input) => input.name.toUpperCase()',
        input: { name: '{{trigger.name}}' },
      }),
    ).toEqual({ ok: true, output: 'BRANDON' });
    expect(await render({ id: 'fn', type: 'function', code: 'throw new Error("boom")' })).toEqual({
      ok: false,
      retryable: true,
      error: { message: expect.stringMatching(/^Error: boom/), code: 'threw' },
    });
    expect(await render({ id: 'fn', type: 'function', code: 'return (' })).toMatchObject({
      ok: false,
      retryable: false,
      error: { code: 'syntax' },
    });
  });

  test('conditional: { result }', async () => {
    expect(
      await render({
        id: 'c',
        type: 'conditional',
        condition: {
          any: [
            { left: '{{trigger.email}}', op: 'contains', right: '@example.com' },
            { left: 1, op: 'gt', right: 2 },
          ],
        },
      }),
    ).toEqual({ ok: true, output: { result: true } });
    expect(
      await render({
        id: 'c',
        type: 'conditional',
        condition: { left: '{{trigger.missing}}', op: 'exists' },
      }),
    ).toEqual({ ok: true, output: { result: false } });
  });

  test('delay: produces the wake-up time, from seconds or a timestamp', async () => {
    expect(await render({ id: 'd', type: 'delay', seconds: 90 })).toEqual({
      ok: true,
      output: { until: '2025-03-01T12:01:30.000Z' },
    });
    expect(await render({ id: 'd', type: 'delay', until: '2025-03-03T08:00:00+01:00' })).toEqual({
      ok: true,
      output: { until: '2025-03-03T07:00:00.000Z' },
    });
    // A time in the past does not wait.
    expect(await render({ id: 'd', type: 'delay', until: '2020-01-01T00:00:00Z' })).toEqual({
      ok: true,
      output: { until: now.toISOString() },
    });
    expect(await render({ id: 'd', type: 'delay', until: '{{trigger.name}}' })).toMatchObject({
      ok: false,
      retryable: false,
      error: { message: expect.stringMatching(/"Brandon", which is not an ISO 8601 timestamp/) },
    });
    expect(await render({ id: 'd', type: 'delay', until: '2025-06-01T00:00:00Z' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/more than 30 days away/) },
    });
  });

  test('response: the rendered status, headers and body', async () => {
    expect(
      await runStep(
        { id: 'r', type: 'response', status: 201, body: { name: '{{trigger.name}}' } },
        renderStepInput(
          { id: 'r', type: 'response', status: 201, body: { name: '{{trigger.name}}' } },
          scope,
        ),
        context(),
      ),
    ).toEqual({ ok: true, output: { status: 201, headers: {}, body: { name: 'Brandon' } } });
  });
});
