import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';

/*
 * POST /admin/projects/:projectId/executions/:executionId/replay over real HTTP, with the in-process
 * worker: a replay is a new execution (same user, credential, trigger data) that records `replayOf`,
 * runs the latest version by default or the original's on request, and is refused with 404 / 409.
 */

let server: TestServer;
let project: TestProject;
let alice: { token: string; credentialId: string };
let workflowId: string;

const admin = (method: string, path: string, body?: unknown) =>
  call(server, method, `/admin/projects/${project.projectId}${path}`, {
    token: project.apiKey,
    ...(body !== undefined ? { body } : {}),
  });

function definition(label: string, extraSteps: unknown[] = []) {
  return {
    integration: 'slack',
    description: 'Contact Created',
    trigger: { type: 'appEvent', event: 'Contact Created' },
    steps: [
      {
        id: 'shape',
        type: 'function',
        code: `(input) => ({ label: ${JSON.stringify(label)}, email: input.email })`,
        input: { email: '{{trigger.email}}' },
        ...(extraSteps.length > 0 ? { next: 'wait' } : {}),
      },
      ...extraSteps,
    ],
  };
}

async function deploy(def: unknown) {
  const res = await admin('POST', '/deploys', { workflows: [{ key: 'contact', definition: def }] });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.workflows[0] as { workflowId: string; versionId: string; version: number };
}

async function waitFor(id: string, done: (e: { status: string }) => boolean) {
  for (let i = 0; i < 400; i++) {
    const res = await admin('GET', `/executions/${id}`);
    if (res.status === 200 && done(res.body)) return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`execution ${id} did not get there`);
}
const finished = (e: { status: string }) => e.status === 'succeeded' || e.status === 'failed';

async function sendEvent(email: string): Promise<string> {
  const sent = await call(server, 'POST', `/v2/projects/${project.projectId}/sdk/events/trigger`, {
    token: alice.token,
    body: { name: 'Contact Created', payload: { email } },
  });
  expect(sent.status).toBe(201);
  expect(sent.body.executionIds).toHaveLength(1);
  return sent.body.executionIds[0];
}

beforeAll(async () => {
  server = await startTestServer({ workflows: { scheduler: false } });
  project = await server.createProject('Replays');
  await project.enable('slack');
  alice = await project.connect('alice', { type: 'slack' });
  workflowId = (await deploy(definition('v1'))).workflowId;
  const enabled = await call(server, 'POST', `/projects/${project.projectId}/sdk/workflows/${workflowId}`, {
    token: alice.token,
  });
  expect(enabled.status).toBe(200);
});
afterAll(async () => {
  await server?.close();
});

describe('replay', () => {
  test('runs again for the same user, credential and trigger, with the latest version or the original one', async () => {
    const originalId = await sendEvent('bowie@example.com');
    const original = await waitFor(originalId, finished);
    expect(original).toMatchObject({ status: 'succeeded', version: 1, replayOf: null });

    // A fix is deployed; the replay runs it by default.
    const v2 = await deploy(definition('v2'));
    expect(v2.version).toBe(2);
    const replayed = await admin('POST', `/executions/${originalId}/replay`);
    expect(replayed.status, JSON.stringify(replayed.body)).toBe(201);
    expect(replayed.body).toMatchObject({
      replayOf: originalId,
      workflowId,
      workflowVersionId: v2.versionId,
      userId: 'alice',
      credentialId: alice.credentialId,
      triggerKind: 'appEvent',
      appEventId: original.appEventId,
    });
    expect(replayed.body.id).not.toBe(originalId);
    const replay = await waitFor(replayed.body.id, finished);
    expect(replay).toMatchObject({ status: 'succeeded', version: 2, replayOf: originalId });
    expect(replay.trigger).toEqual({ email: 'bowie@example.com' });
    expect(replay.steps[0].output).toEqual({ label: 'v2', email: 'bowie@example.com' });

    // The version the original ran, on request.
    const asBefore = await admin('POST', `/executions/${originalId}/replay`, { version: 'original' });
    expect(asBefore.status).toBe(201);
    const rerun = await waitFor(asBefore.body.id, finished);
    expect(rerun).toMatchObject({ status: 'succeeded', version: 1, replayOf: originalId });
    expect(rerun.steps[0].output).toEqual({ label: 'v1', email: 'bowie@example.com' });

    // Task history shows which execution each replays; the original is unchanged.
    const listed = await admin('GET', `/executions?workflowId=${workflowId}`);
    const replayOf = Object.fromEntries(
      listed.body.executions.map((e: { id: string; replayOf: string | null }) => [e.id, e.replayOf]),
    );
    expect(replayOf).toMatchObject({
      [originalId]: null,
      [replayed.body.id]: originalId,
      [asBefore.body.id]: originalId,
    });
    expect((await admin('GET', `/executions/${originalId}`)).body.status).toBe('succeeded');

    const badBody = await admin('POST', `/executions/${originalId}/replay`, { version: 'newest' });
    expect(badBody.status).toBe(400);
  });

  test('404 for an unknown execution; 409 while it is unfinished or when the credential is gone', async () => {
    const unknown = await admin('POST', `/executions/${crypto.randomUUID()}/replay`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('EXECUTION_NOT_FOUND');

    // An execution waiting in a long delay is not finished: it cannot be replayed yet.
    await deploy(definition('v3', [{ id: 'wait', type: 'delay', seconds: 3600 }]));
    const waitingId = await sendEvent('wait@example.com');
    await waitFor(waitingId, (e) => e.status === 'waiting');
    const unfinished = await admin('POST', `/executions/${waitingId}/replay`);
    expect(unfinished.status).toBe(409);
    expect(unfinished.body).toMatchObject({ code: 'CONFLICT' });
    expect(unfinished.body.message).toMatch(/still waiting; replay it once it has finished/);

    await deploy(definition('v4'));
    const doneId = await sendEvent('gone@example.com');
    await waitFor(doneId, finished);
    // The credential is deleted (as a disconnect does): the execution keeps its history, not its credential.
    await server.db.deleteFrom('credentials').where('id', '=', alice.credentialId).execute();
    const gone = await admin('POST', `/executions/${doneId}/replay`);
    expect(gone.status).toBe(409);
    expect(gone.body.message).toMatch(/credential is gone; the user must connect it again/);
  });
});
