import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, startTestServer, type TestProject, type TestServer } from '../testing/startTestServer';

/*
 * POST /admin/projects/:projectId/deploys over real HTTP: created / new version / unchanged, matching
 * by key and by id, all-or-nothing rejection listing every problem (unknown step, cycle, bad template
 * reference) with its key and path, inactive integrations, dry runs.
 */

let server: TestServer;
let project: TestProject;

const deploy = (body: unknown, token = project.apiKey, projectId = project.projectId) =>
  call(server, 'POST', `/admin/projects/${projectId}/deploys`, { token, body });
const admin = (method: string, path: string) =>
  call(server, method, `/admin/projects/${project.projectId}${path}`, { token: project.apiKey });

function contactCreated(description = 'Contact Created') {
  return {
    integration: 'slack',
    description,
    trigger: { type: 'appEvent', event: 'Contact Created' },
    steps: [
      {
        id: 'hasEmail',
        type: 'conditional',
        condition: { left: '{{trigger.email}}', op: 'exists' },
        onTrue: 'shape',
      },
      { id: 'shape', type: 'function', code: '(input) => input', input: { email: '{{trigger.email}}' } },
    ],
  };
}

const leadCreated = {
  integration: 'slack',
  description: 'Lead Created',
  trigger: { type: 'request' },
  steps: [{ id: 'answer', type: 'response', status: 201, body: { ok: true } }],
};

beforeAll(async () => {
  server = await startTestServer({ workflows: { worker: false, scheduler: false } });
  project = await server.createProject('Deploys');
  await project.enable('slack');
});
afterAll(async () => {
  await server?.close();
});

describe('deploy', () => {
  test('creates workflows by key, then stores a new version only when a definition changed', async () => {
    const first = await deploy({
      workflows: [
        { key: 'flows/contact.ts#default', definition: contactCreated() },
        { key: 'flows/lead.ts#lead', definition: leadCreated },
      ],
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.dryRun).toBe(false);
    expect(first.body.workflows).toMatchObject([
      { key: 'flows/contact.ts#default', outcome: 'created', version: 1, integration: 'slack' },
      { key: 'flows/lead.ts#lead', outcome: 'created', version: 1, description: 'Lead Created' },
    ]);
    const [contactId, leadId] = first.body.workflows.map((w: { workflowId: string }) => w.workflowId);

    // The workflows exist (listed with their description) and their version carries the id.
    const listed = await admin('GET', '/workflows');
    expect(listed.body.map((w: { id: string; description: string }) => [w.id, w.description])).toEqual(
      expect.arrayContaining([
        [contactId, 'Contact Created'],
        [leadId, 'Lead Created'],
      ]),
    );
    const versions = await admin('GET', `/workflows/${contactId}/versions`);
    expect(versions.body).toHaveLength(1);
    expect(versions.body[0].definition).toMatchObject({ id: contactId, description: 'Contact Created' });

    // The same definitions again (keys in another order inside objects): nothing new.
    const reordered = Object.fromEntries(Object.entries(contactCreated()).reverse());
    const again = await deploy({
      workflows: [
        { key: 'flows/contact.ts#default', definition: reordered },
        { key: 'flows/lead.ts#lead', definition: leadCreated },
      ],
    });
    expect(again.status).toBe(200);
    expect(again.body.workflows).toMatchObject([
      { workflowId: contactId, outcome: 'unchanged', version: 1, versionId: versions.body[0].id },
      { workflowId: leadId, outcome: 'unchanged', version: 1 },
    ]);

    // One changed: a new version of that one only, and the workflow's description follows it.
    const changed = await deploy({
      workflows: [
        { key: 'flows/contact.ts#default', definition: contactCreated('Contact Created v2') },
        { key: 'flows/lead.ts#lead', definition: leadCreated },
      ],
    });
    expect(changed.body.workflows).toMatchObject([
      { workflowId: contactId, outcome: 'newVersion', version: 2, description: 'Contact Created v2' },
      { workflowId: leadId, outcome: 'unchanged', version: 1 },
    ]);
    expect(
      (await admin('GET', `/workflows/${contactId}/versions`)).body.map(
        (v: { version: number }) => v.version,
      ),
    ).toEqual([2, 1]);
    const renamed = (await admin('GET', '/workflows')).body.find((w: { id: string }) => w.id === contactId);
    expect(renamed.description).toBe('Contact Created v2');
  });

  test("a definition's id matches its workflow whatever the key; an unknown id is refused", async () => {
    const created = await call(server, 'POST', `/admin/projects/${project.projectId}/workflows`, {
      token: project.apiKey,
      body: { integration: 'slack', description: 'Made through the admin API' },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const byId = await deploy({
      workflows: [{ key: 'any-key', definition: { ...contactCreated('By id'), id } }],
    });
    expect(byId.status, JSON.stringify(byId.body)).toBe(200);
    expect(byId.body.workflows).toMatchObject([{ workflowId: id, outcome: 'newVersion', version: 1 }]);
    const again = await deploy({
      workflows: [{ key: 'another-key', definition: { ...contactCreated('By id'), id } }],
    });
    expect(again.body.workflows).toMatchObject([{ workflowId: id, outcome: 'unchanged', version: 1 }]);

    const unknown = '00000000-0000-4000-8000-000000000001';
    const refused = await deploy({
      workflows: [{ key: 'ghost', definition: { ...contactCreated(), id: unknown } }],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual([
      { path: 'workflows[ghost].id', message: expect.stringContaining(`workflow ${unknown} does not exist`) },
    ]);
  });

  test('one bad definition rejects the whole deploy, listing every problem with its key and path', async () => {
    const before = (await admin('GET', '/workflows')).body.length;
    const unknownStep = contactCreated();
    unknownStep.steps[0] = { ...unknownStep.steps[0], onTrue: 'notify' } as (typeof unknownStep.steps)[0];
    const cycle = {
      ...leadCreated,
      steps: [
        { id: 'first', type: 'function', code: '() => 1', next: 'second' },
        { id: 'second', type: 'function', code: '() => 2', next: 'first' },
      ],
    };
    const badTemplate = {
      ...leadCreated,
      steps: [{ id: 'answer', type: 'response', body: { id: '{{steps.nowhere.output.id}}' } }],
    };
    const res = await deploy({
      workflows: [
        { key: 'good.ts#default', definition: contactCreated('Would be created') },
        { key: 'unknown-step.ts#default', definition: unknownStep },
        { key: 'cycle.ts#default', definition: cycle },
        { key: 'template.ts#default', definition: badTemplate },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.message).toMatch(
      /^Deploy rejected, nothing was deployed: workflows\[unknown-step\.ts#default\]/,
    );
    expect(res.body.details).toEqual([
      {
        path: 'workflows[unknown-step.ts#default].steps.0.onTrue',
        message: 'onTrue "notify" is not a step id; the steps here are: hasEmail, shape',
      },
      {
        path: 'workflows[unknown-step.ts#default].steps.1',
        message: expect.stringContaining('step "shape" is never reached'),
      },
      {
        path: 'workflows[cycle.ts#default].steps',
        message: expect.stringContaining('these steps form a cycle: first → second → first.'),
      },
      {
        path: 'workflows[template.ts#default].steps.0.body.id',
        message: '{{steps.nowhere.output.id}}: there is no step "nowhere"',
      },
    ]);
    // Nothing was stored, not even the good one.
    expect((await admin('GET', '/workflows')).body).toHaveLength(before);
  });

  test('an integration that is not active in the project is refused; duplicate keys are refused', async () => {
    const inactive = await deploy({
      workflows: [{ key: 'hub.ts#default', definition: { ...leadCreated, integration: 'hubspot' } }],
    });
    expect(inactive.status).toBe(400);
    expect(inactive.body.details).toEqual([
      {
        path: 'workflows[hub.ts#default].integration',
        message: expect.stringContaining('integration "hubspot" is not active in project'),
      },
    ]);
    const twice = await deploy({
      workflows: [
        { key: 'same', definition: leadCreated },
        { key: 'same', definition: leadCreated },
      ],
    });
    expect(twice.status).toBe(400);
    expect(twice.body.details[0].message).toMatch(/appears twice/);
    const empty = await deploy({ workflows: [] });
    expect(empty.status).toBe(400);
  });

  test('a dry run validates and answers what would happen, storing nothing', async () => {
    const before = (await admin('GET', '/workflows')).body.length;
    const dry = await deploy({
      dryRun: true,
      workflows: [
        { key: 'flows/contact.ts#default', definition: contactCreated('Contact Created v3') },
        { key: 'new.ts#default', definition: leadCreated },
      ],
    });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toMatchObject({
      dryRun: true,
      workflows: [
        { key: 'flows/contact.ts#default', outcome: 'newVersion', version: 3 },
        { key: 'new.ts#default', outcome: 'created', version: 1 },
      ],
    });
    expect((await admin('GET', '/workflows')).body).toHaveLength(before);
    const contactId = dry.body.workflows[0].workflowId;
    expect((await admin('GET', `/workflows/${contactId}/versions`)).body).toHaveLength(2);
  });

  test('a workflow matched twice in one deploy (by id and by key) is refused', async () => {
    const listed = (await admin('GET', '/workflows')).body as { id: string; description: string }[];
    const lead = listed.find((w) => w.description === 'Lead Created');
    const res = await deploy({
      workflows: [
        { key: 'flows/lead.ts#lead', definition: leadCreated },
        { key: 'copy.ts#default', definition: { ...leadCreated, id: lead?.id } },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([
      {
        path: 'workflows[copy.ts#default].id',
        message: expect.stringContaining('is also deployed by "flows/lead.ts#lead"'),
      },
    ]);
  });

  test('concurrent deploys of a new key create it once and get consecutive versions', async () => {
    const results = await Promise.all(
      [1, 2, 3].map((n) =>
        deploy({ workflows: [{ key: 'race.ts#default', definition: contactCreated(`Race ${n}`) }] }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const outcomes = results.map((r) => r.body.workflows[0]);
    expect(new Set(outcomes.map((o) => o.workflowId)).size).toBe(1);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['created', 'newVersion', 'newVersion']);
    expect(outcomes.map((o) => o.version).sort()).toEqual([1, 2, 3]);
    const versions = await admin('GET', `/workflows/${outcomes[0].workflowId}/versions`);
    expect(versions.body.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
  });

  test('the deploy and replay routes are in the OpenAPI document', async () => {
    const doc = await call(server, 'GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/admin/projects/{projectId}/deploys',
        '/admin/projects/{projectId}/executions/{executionId}/replay',
      ]),
    );
  });

  test("another project's API key cannot deploy here", async () => {
    const other = await server.createProject('Other');
    const res = await deploy({ workflows: [{ key: 'x', definition: leadCreated }] }, other.apiKey);
    expect(res.status).toBe(404);
  });
});
