import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadConfig } from '../config';
import { findRepoRoot } from '../repoPaths';
import { startServer } from '../startServer';
import { type Cleanup, freshInstallEnv, runCliCaptured } from '../testing/freshInstall';
import { call } from '../testing/startTestServer';
import { usage } from './runCli';

/*
 * `switchboard deploy <dir>` run in this process (runCli) on TypeScript files in a temp directory:
 * straight on the database, through the running server that owns the embedded database, and to a
 * "remote" server with the project's API key. Files use defineWorkflow from '@switchboard/engine'
 * (resolved to the CLI's own engine), a type-only import, a relative import; tests, declarations and
 * node_modules are skipped. Mistakes are one-line errors and nothing is deployed.
 */

const cleanups: Cleanup[] = [];
const cli = runCliCaptured;
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-workflows-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFiles(dir, files);
  return dir;
}
function writeFiles(dir: string, files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

const contactTs = (label: string) => `
import { defineWorkflow } from '@switchboard/engine';

const event: string = 'Contact Created';

export default defineWorkflow({
  integration: 'slack',
  description: ${JSON.stringify(label)},
  trigger: { type: 'appEvent', event },
  steps: [
    { id: 'hasEmail', type: 'conditional', condition: { left: '{{trigger.email}}', op: 'exists' }, onTrue: 'shape' },
    { id: 'shape', type: 'function', code: '(input) => input', input: { email: '{{trigger.email}}' } },
  ],
});
`;

const workflowFiles = {
  'contact.ts': contactTs('Contact Created'),
  // A plain object with a type-only import, and a value from a relative import.
  'nested/lead.mts': `
import type { WorkflowDefinition } from '@switchboard/contracts';
import { answerStatus } from '../lib/answer';

export const lead: WorkflowDefinition = {
  integration: 'slack',
  description: 'Lead Created',
  trigger: { type: 'request' },
  steps: [{ id: 'answer', type: 'response', status: answerStatus, body: { ok: true } }],
};
export const notAWorkflow = { hello: 'world' };
`,
  'lib/answer.ts': 'export const answerStatus: number = 201;\n',
  // Never loaded: they would throw.
  'contact.test.ts': "throw new Error('tests are not loaded');\n",
  'types.d.ts': 'declare const x: number;\n',
  'node_modules/dep/index.js': "throw new Error('node_modules is not loaded');\n",
};

async function projectWithSlack(env: NodeJS.ProcessEnv) {
  const created = await cli(env, 'project', 'create', '--name', 'Deploys', '--json');
  expect(created.code, created.err).toBe(0);
  const project = JSON.parse(created.out) as { projectId: string; apiKey: string };
  const enabled = await cli(env, 'integration', 'enable', '--project', project.projectId, '--type', 'slack');
  expect(enabled.code, enabled.err).toBe(0);
  return project;
}

async function versionsOf(server: { url: string }, projectId: string, apiKey: string) {
  const workflows = await call(server, 'GET', `/admin/projects/${projectId}/workflows`, { token: apiKey });
  const out: Record<string, number[]> = {};
  for (const w of workflows.body as { id: string; description: string }[]) {
    const versions = await call(server, 'GET', `/admin/projects/${projectId}/workflows/${w.id}/versions`, {
      token: apiKey,
    });
    out[w.description] = versions.body.map((v: { version: number }) => v.version);
  }
  return out;
}

describe('switchboard deploy', () => {
  test('deploys TypeScript files locally, through the running server, and to a remote one with the API key', async () => {
    const env = await freshInstallEnv(cleanups);
    const project = await projectWithSlack(env);
    const dir = tempDir(workflowFiles);

    // Without a server: straight on the database.
    const first = await cli(env, 'deploy', dir, '--project', project.projectId);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(new RegExp(`^Deployed 2 workflow\\(s\\) to project ${project.projectId} via `));
    expect(first.out).toMatch(
      /created\s+contact\.ts#default\s+Contact Created \(slack, workflow [0-9a-f-]{36}, version 1\)/,
    );
    expect(first.out).toMatch(
      /created\s+nested\/lead\.mts#lead\s+Lead Created \(slack, workflow [0-9a-f-]{36}, version 1\)/,
    );
    expect(first.out).not.toContain('notAWorkflow');

    // A server owns the data now (embedded: the CLI goes through its admin API; PostgreSQL: direct).
    const server = await startServer(loadConfig(env));
    cleanups.push(() => server.close());
    const same = await cli(env, 'deploy', dir, '--project', project.projectId, '--json');
    expect(same.code, same.err).toBe(0);
    expect(JSON.parse(same.out)).toMatchObject({
      dryRun: false,
      workflows: [
        { key: 'contact.ts#default', outcome: 'unchanged', version: 1 },
        { key: 'nested/lead.mts#lead', outcome: 'unchanged', version: 1 },
      ],
    });

    // A changed file: --dry-run says what would happen and stores nothing; then a new version.
    writeFiles(dir, { 'contact.ts': contactTs('Contact Created v2') });
    const dry = await cli(env, 'deploy', dir, '--project', project.projectId, '--dry-run');
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toMatch(/^Dry run: 2 workflow\(s\) valid for project .*; nothing was stored\./);
    expect(dry.out).toMatch(
      /would add version\s+contact\.ts#default\s+Contact Created v2 \(slack, workflow [0-9a-f-]{36}, version 2\)/,
    );
    expect(dry.out).toMatch(/unchanged\s+nested\/lead\.mts#lead/);
    expect(await versionsOf(server, project.projectId, project.apiKey)).toEqual({
      'Contact Created': [1],
      'Lead Created': [1],
    });

    // Remote: the server's URL and the project's API key (as a project's CI would).
    const remote = await cli(
      { ...env, SWITCHBOARD_URL: server.url, SWITCHBOARD_API_KEY: project.apiKey },
      ...['deploy', dir, '--project', project.projectId],
    );
    expect(remote.code, remote.err).toBe(0);
    expect(remote.out).toContain(`via server at ${server.url}`);
    expect(remote.out).toMatch(/new version\s+contact\.ts#default\s+Contact Created v2/);
    expect(await versionsOf(server, project.projectId, project.apiKey)).toEqual({
      'Contact Created v2': [2, 1],
      'Lead Created': [1],
    });

    // Flags instead of the environment; a key of another project is refused by the server.
    const other = await cli(env, 'project', 'create', '--name', 'Other', '--json');
    const wrongKey = await cli(
      env,
      ...['deploy', dir, '--project', project.projectId, '--url', server.url],
      ...['--api-key', JSON.parse(other.out).apiKey],
    );
    expect(wrongKey).toMatchObject({ code: 1, out: '' });
    expect(wrongKey.err).toBe(`switchboard: project ${project.projectId} does not exist.`);
  });

  test('examples/workflows deploys to the development project when no --project is given', async () => {
    const env = await freshInstallEnv(cleanups);
    // A first start creates the development project (every catalog integration active, Sandbox CRM too).
    const server = await startServer(loadConfig(env));
    const projectId = server.developmentProject?.projectId;
    await server.close();
    expect(projectId).toBeDefined();
    const examples = join(findRepoRoot(), 'examples', 'workflows');
    const res = await cli(env, 'deploy', examples, '--json');
    expect(res.code, res.err).toBe(0);
    // The development project's demo workflows are created under these keys: the same definitions,
    // so nothing new; an edited file would be a new version of the workflow the demo page runs.
    expect(JSON.parse(res.out).workflows).toMatchObject([
      { key: 'contactCreated.ts#default', outcome: 'unchanged', integration: 'sandbox', version: 1 },
      { key: 'leadCreated.ts#leadCreated', outcome: 'unchanged', integration: 'sandbox', version: 1 },
    ]);
    const again = await cli(env, 'deploy', examples);
    expect(again.out).toContain(`Deployed 2 workflow(s) to project ${projectId} via `);
    expect(again.out).toMatch(/unchanged\s+contactCreated\.ts#default/);
  });

  test('bad definitions are rejected with key, path and message; nothing is deployed', async () => {
    const env = await freshInstallEnv(cleanups);
    const project = await projectWithSlack(env);
    const dir = tempDir({
      'good.ts': contactTs('Good'),
      'unknownStep.ts': `
import { defineWorkflow } from '@switchboard/engine';
export default defineWorkflow({
  integration: 'slack', description: 'Unknown step', trigger: { type: 'request' },
  steps: [{ id: 'first', type: 'function', code: '() => 1', next: 'notify' }],
});`,
      'cycle.ts': `
import { defineWorkflow } from '@switchboard/engine';
export const loop = defineWorkflow({
  integration: 'slack', description: 'Cycle', trigger: { type: 'request' },
  steps: [
    { id: 'first', type: 'function', code: '() => 1', next: 'second' },
    { id: 'second', type: 'function', code: '() => 2', next: 'first' },
  ],
});`,
      'template.ts': `
import { defineWorkflow } from '@switchboard/engine';
export default defineWorkflow({
  integration: 'slack', description: 'Bad template', trigger: { type: 'request' },
  steps: [{ id: 'answer', type: 'response', body: { id: '{{steps.nowhere.output.id}}' } }],
});`,
    });
    const res = await cli(env, 'deploy', dir, '--project', project.projectId);
    expect(res.code).toBe(1);
    expect(res.out).toBe('');
    expect(res.err.split('\n')).toEqual([
      `switchboard: deploy rejected, nothing was deployed: 3 problem(s) in ${dir}`,
      expect.stringMatching(/^ {2}cycle\.ts#loop steps: these steps form a cycle: first → second → first\./),
      '  template.ts#default steps.0.body.id: {{steps.nowhere.output.id}}: there is no step "nowhere"',
      '  unknownStep.ts#default steps.0.next: next "notify" is not a step id; the steps here are: first',
    ]);
    // Nothing was stored, not even good.ts.
    const dry = await cli(
      env,
      'deploy',
      tempDir({ 'good.ts': contactTs('Good') }),
      '--project',
      project.projectId,
      '--dry-run',
      '--json',
    );
    expect(JSON.parse(dry.out).workflows).toMatchObject([{ key: 'good.ts#default', outcome: 'created' }]);
  });

  test('mistakes are one-line errors with a non-zero exit', async () => {
    const env = await freshInstallEnv(cleanups);
    const project = await projectWithSlack(env);
    expect(usage).toContain('deploy <dir> [--project <id>] [--dry-run] [--json]');
    const deploy = (...args: string[]) => cli(env, 'deploy', ...args);

    const missing = await deploy(
      join(tmpdir(), 'no-such-dir-for-switchboard'),
      '--project',
      project.projectId,
    );
    expect(missing).toMatchObject({ code: 1, out: '' });
    expect(missing.err).toMatch(
      /^switchboard: .*no-such-dir-for-switchboard is not a directory; pass the directory/,
    );

    const empty = await deploy(
      tempDir({ 'README.md': '# nothing', 'x.test.ts': '' }),
      '--project',
      project.projectId,
    );
    expect(empty.err).toMatch(
      /^switchboard: no workflow files in .*: looked for \*\.ts, \*\.mts, \*\.js and \*\.mjs/,
    );

    const none = await deploy(
      tempDir({ 'helpers.ts': 'export const x = 1;\n' }),
      '--project',
      project.projectId,
    );
    expect(none.code).toBe(1);
    expect(none.err).toMatch(
      /^switchboard: no workflows found in .*: 1 file\(s\) loaded, none exports a workflow/,
    );

    const broken = await deploy(
      tempDir({
        'ok.ts': contactTs('Ok'),
        'broken.ts':
          "import { defineWorkflow } from '@switchboard/engine';\n\nexport default defineWorkflow({ steps: [ });\n",
      }),
      '--project',
      project.projectId,
    );
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/^switchboard: broken\.ts:3:\d+: .+/);
    expect(broken.err.split('\n')).toHaveLength(1);

    const throws = await deploy(
      tempDir({ 'throws.ts': "throw new Error('boom');\n" }),
      '--project',
      project.projectId,
    );
    expect(throws.err).toBe('switchboard: throws.ts: failed while loading: boom');

    const dir = tempDir({ 'contact.ts': contactTs('C') });
    const noProject = await deploy(dir);
    expect(noProject.code).toBe(1);
    expect(noProject.err).toMatch(/^switchboard: --project <id> is required/);
    const inactive = await cli(env, 'project', 'create', '--name', 'No integrations', '--json');
    const notActive = await deploy(dir, '--project', JSON.parse(inactive.out).projectId);
    expect(notActive.err.split('\n')[1]).toMatch(
      /^ {2}contact\.ts#default integration: integration "slack" is not active in project/,
    );
    const urlOnly = await deploy(dir, '--project', project.projectId, '--url', 'http://127.0.0.1:9');
    expect(urlOnly.err).toMatch(/needs the project API key too: --api-key \(or SWITCHBOARD_API_KEY\)/);
    const unreachable = await deploy(
      dir,
      '--project',
      project.projectId,
      '--url',
      'http://127.0.0.1:9',
      '--api-key',
      'k',
    );
    expect(unreachable.err).toMatch(
      /^switchboard: the Switchboard server at http:\/\/127\.0\.0\.1:9 did not answer; check --url/,
    );
    const twoDirs = await deploy(dir, dir);
    expect(twoDirs.err).toMatch(/deploy takes one directory/);
    const badFlag = await deploy(dir, '--force');
    expect(badFlag.code).toBe(2);
  });
});
