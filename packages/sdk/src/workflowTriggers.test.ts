import { describe, expect, test } from 'vitest';
import { ConnectRequestError } from './sdkHttp';
import { sendAppEvent, triggerWorkflow } from './workflowTriggers';

const auth = { host: 'https://sb.example.test', projectId: 'p1', token: 'jwt' };

function recorder(status: number, body: unknown) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetchFn = async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { calls, fetchFn };
}

describe('event()', () => {
  test('POSTs { name, payload } to /v2/projects/:pid/sdk/events/trigger with selection headers only when given', async () => {
    const { calls, fetchFn } = recorder(201, { eventId: 'e' });
    await expect(sendAppEvent(fetchFn, auth, 'Contact Created', { a: 1 })).resolves.toBeUndefined();
    await sendAppEvent(fetchFn, auth, 'X', {}, { selectedCredentialId: 'c1', selectedConfigurationId: 'k1' });
    expect(calls[0]?.url).toBe('https://sb.example.test/v2/projects/p1/sdk/events/trigger');
    expect(calls[0]?.init.body).toBe('{"name":"Contact Created","payload":{"a":1}}');
    const first = calls[0]?.init.headers as Record<string, string>;
    expect(first['X-Paragon-Credential']).toBeUndefined();
    expect(first.Authorization).toBe('Bearer jwt');
    const second = calls[1]?.init.headers as Record<string, string>;
    expect(second['X-Paragon-Credential']).toBe('c1');
    expect(second['X-Paragon-Configuration-Id']).toBe('k1');
    await expect(sendAppEvent(fetchFn, auth, 'X', {}, { selectedConfigurationId: 'k1' })).rejects.toThrow(
      /Configuration ID cannot be used without a corresponding Credential ID/,
    );
  });
});

describe('workflow()', () => {
  test('POSTs the body to /projects/:pid/sdk/triggers/:id?<query> with caller headers; the token stays last', async () => {
    const { calls, fetchFn } = recorder(200, { ok: true });
    expect(
      await triggerWorkflow(fetchFn, auth, 'w1', {
        body: { n: 1 },
        query: { a: 'b c' },
        headers: { 'x-app': '1', Authorization: 'Bearer other' },
      }),
    ).toEqual({ ok: true });
    await triggerWorkflow(fetchFn, auth, 'w1');
    expect(calls[0]?.url).toBe('https://sb.example.test/projects/p1/sdk/triggers/w1?a=b+c');
    expect(calls[0]?.init.body).toBe('{"n":1}');
    const headers = calls[0]?.init.headers as Record<string, string>;
    expect(headers['x-app']).toBe('1');
    expect(headers.Authorization).toBe('Bearer jwt');
    expect(calls[1]?.url).toBe('https://sb.example.test/projects/p1/sdk/triggers/w1?');
    expect(calls[1]?.init.body).toBe('{}');
    await expect(triggerWorkflow(fetchFn, auth, '')).rejects.toThrow('workflowId is required.');
  });

  test('202 and 542 resolve with the execution to poll; errors reject with the server message', async () => {
    const pending = { executionId: 'x', message: 'm' };
    expect(await triggerWorkflow(recorder(202, pending).fetchFn, auth, 'w')).toEqual(pending);
    expect(await triggerWorkflow(recorder(542, pending).fetchFn, auth, 'w')).toEqual(pending);
    const refused = recorder(404, { message: 'not enabled', code: 'WORKFLOW_NOT_ENABLED', status: 404 });
    const error = await triggerWorkflow(refused.fetchFn, auth, 'w').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectRequestError);
    expect((error as ConnectRequestError).message).toBe('not enabled');
    expect((error as ConnectRequestError).code).toBe('WORKFLOW_NOT_ENABLED');
  });
});
