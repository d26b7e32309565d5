import { parseArgs } from 'node:util';
import { AppError, type DeployWorkflowsResponse } from '@switchboard/contracts';
import type { Config } from '../config';
import type { AdminOperations } from './adminOperations';
import { loadWorkflowDir } from './loadWorkflowDir';
import { openAdminOperations, openRemoteAdminOperations } from './openAdminOperations';

export const deployUsage = `  deploy <dir> [--project <id>] [--dry-run] [--json] [--url <server> --api-key <project API key>]
                                          deploy every workflow exported by the *.ts/*.js files in <dir>, all or
                                          nothing; --url/--api-key (or SWITCHBOARD_URL/SWITCHBOARD_API_KEY) deploy
                                          to a remote server; --project defaults to the development project`;

interface DeployIo {
  out(line: string): void;
  err(line: string): void;
}

const outcomeWords: Record<DeployWorkflowsResponse['workflows'][number]['outcome'], [string, string]> = {
  created: ['created', 'would create'],
  newVersion: ['new version', 'would add version'],
  unchanged: ['unchanged', 'unchanged'],
};

/** `workflows[<key>].<path>` (the deploy API's problem path) as `<key> <path>`. */
function problemLine(path: string, message: string): string {
  const match = /^workflows\[(.+)\](?:\.(.*))?$/.exec(path);
  if (!match) return `${path}: ${message}`;
  return `${match[1]}${match[2] ? ` ${match[2]}` : ''}: ${message}`;
}

/**
 * `switchboard deploy <dir>`: loads the directory's workflows (loadWorkflowDir) and deploys them in
 * one call, locally (the database, or the server that holds the embedded one) or to a remote server
 * with a project API key. Exit code 0 when deployed (or a clean dry run), 1 when refused: one line per
 * problem, `<key> <path>: <message>`.
 */
export async function deployCommand(args: string[], config: Config, io: DeployIo): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args,
    options: {
      project: { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      url: { type: 'string' },
      'api-key': { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  const [dir, ...extra] = positionals;
  if (!dir || extra.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      400,
      `deploy takes one directory (switchboard deploy <dir>); got ${positionals.length === 0 ? 'none' : positionals.join(' ')}.`,
    );
  }
  const url = v.url ?? config.remoteUrl;
  const apiKey = v['api-key'] ?? config.remoteApiKey;
  if ((url === undefined) !== (apiKey === undefined)) {
    throw new AppError(
      'VALIDATION_FAILED',
      400,
      url
        ? 'deploying to a remote server needs the project API key too: --api-key (or SWITCHBOARD_API_KEY).'
        : 'an API key needs the server it is for: --url (or SWITCHBOARD_URL).',
    );
  }
  if (url !== undefined && !/^https?:\/\/[^/]/.test(url))
    throw new AppError('VALIDATION_FAILED', 400, `--url ${url} is not an http(s) URL.`);
  if (url !== undefined && !v.project) {
    throw new AppError(
      'VALIDATION_FAILED',
      400,
      '--project <id> is required with --url (the project the API key belongs to).',
    );
  }

  // Load (and compile) first: a broken file never opens the database or calls the server.
  const workflows = await loadWorkflowDir(dir);
  const dryRun = v['dry-run'] ?? false;

  const ops: AdminOperations =
    url !== undefined && apiKey !== undefined
      ? openRemoteAdminOperations(url, apiKey)
      : await openAdminOperations(config);
  let result: DeployWorkflowsResponse;
  let projectId: string;
  try {
    const chosen = v.project ?? (await ops.developmentProjectId());
    if (!chosen) {
      throw new AppError(
        'VALIDATION_FAILED',
        400,
        '--project <id> is required (there is no development project to default to here; switchboard project list shows the ids).',
      );
    }
    projectId = chosen;
    result = await ops.deployWorkflows(projectId, {
      workflows: workflows.map((w) => ({ key: w.key, definition: w.definition })),
      dryRun,
    });
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED' && error.details?.length) {
      io.err(
        `switchboard: deploy rejected, nothing was deployed: ${error.details.length} problem(s) in ${dir}`,
      );
      for (const detail of error.details) io.err(`  ${problemLine(detail.path, detail.message)}`);
      return 1;
    }
    throw error;
  } finally {
    await ops.close();
  }

  if (v.json) {
    io.out(JSON.stringify(result, null, 2));
    return 0;
  }
  io.out(
    dryRun
      ? `Dry run: ${result.workflows.length} workflow(s) valid for project ${projectId} via ${ops.via}; nothing was stored.`
      : `Deployed ${result.workflows.length} workflow(s) to project ${projectId} via ${ops.via}:`,
  );
  const width = Math.max(...result.workflows.map((w) => w.key.length));
  for (const w of result.workflows) {
    const word = outcomeWords[w.outcome][dryRun ? 1 : 0];
    const where = dryRun && w.outcome === 'created' ? '' : ` workflow ${w.workflowId},`;
    io.out(
      `  ${word.padEnd(17)} ${w.key.padEnd(width)}  ${w.description} (${w.integration},${where} version ${w.version})`,
    );
  }
  return 0;
}
