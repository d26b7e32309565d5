import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  AppError,
  createProjectBodySchema,
  enableIntegrationBodySchema,
  ttlSchema,
  zodIssuesToDetails,
} from '@switchboard/contracts';
import type { z } from 'zod';
import { ConfigError, loadConfig } from '../config';
import { workerMain } from '../workerMain';
import type { AdminOperations } from './adminOperations';
import { deployCommand, deployUsage } from './deployCommand';
import { openAdminOperations } from './openAdminOperations';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
  /** Runs the server in this process (the `start` command). */
  startServer?: () => Promise<void>;
}

export const usage = `Usage: switchboard <command> [options]

Commands:
  start                                   run the server (same as npm start)
  worker                                  run workflow executions against DATABASE_URL (no HTTP); SIGTERM stops it
  project create --name <name> [--public-key <file>] [--json]
                                          create a project; prints projectId, apiKey and signingKey (shown once)
  project list [--json]                   list projects
  integration enable --project <id> --type <type> [--client-id <id>] [--client-secret <secret>]
                     [--scopes <a,b,c>] [--json]
                                          activate a catalog integration for a project
  token --project <id> --user <userId> --key <private.pem> [--ttl 1h] [--aud <audience>]
                                          print a User Token signed with the project's private key
  keys rotate [--json]                    re-seal every secret at rest under a new key (file mode) or under
                                          SWITCHBOARD_ENCRYPTION_KEY (env mode); exits 1 if a value could not be opened
${deployUsage}

Environment: SWITCHBOARD_DATA_DIR, DATABASE_URL, PORT, HOST, SWITCHBOARD_ENCRYPTION_KEY,
SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS mean the same as for the server. While a
server owns the embedded database, commands go through its admin API.`;

/** Runs one CLI command; returns the process exit code. Errors are printed as one line, never a stack. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, sub] = argv;
  try {
    if (!command || command === 'help' || command === '--help' || command === '-h') {
      io.out(usage);
      return command ? 0 : 2;
    }
    if (command === 'start') {
      if (!io.startServer) throw new AppError('VALIDATION_FAILED', 400, 'start is not available here');
      await io.startServer();
      return 0;
    }
    if (command === 'worker') return await workerMain(io);
    const config = loadConfig(io.env);
    if (command === 'project' && sub === 'create') return await projectCreate(argv.slice(2), config, io);
    if (command === 'project' && sub === 'list') return await projectList(argv.slice(2), config, io);
    if (command === 'integration' && sub === 'enable')
      return await integrationEnable(argv.slice(2), config, io);
    if (command === 'token') return await token(argv.slice(1), config, io);
    if (command === 'keys' && sub === 'rotate') return await keysRotate(argv.slice(2), config, io);
    if (command === 'deploy') return await deployCommand(argv.slice(1), config, io);
    io.err(`switchboard: unknown command "${argv.slice(0, 2).join(' ')}"\n\n${usage}`);
    return 2;
  } catch (error) {
    if (error instanceof AppError || error instanceof ConfigError || error instanceof UsageError) {
      io.err(`switchboard: ${error.message}`);
      return error instanceof UsageError ? 2 : 1;
    }
    if (error instanceof TypeError && (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`switchboard: ${error.message}\n\n${usage}`);
      return 2;
    }
    throw error;
  }
}

class UsageError extends Error {}

function parse<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], options: T) {
  return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
}

function validate<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const details = zodIssuesToDetails(result.error.issues).map((d) => `--${d.path}: ${d.message}`);
    throw new UsageError(details.join('; '));
  }
  return result.data;
}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`${flag} is required`);
  return value;
}

function readFileArg(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`${flag} ${path}: cannot read that file`);
  }
}

async function withOperations<T>(
  config: ReturnType<typeof loadConfig>,
  fn: (ops: AdminOperations) => Promise<T>,
) {
  const ops = await openAdminOperations(config);
  try {
    return await fn(ops);
  } finally {
    await ops.close();
  }
}

async function projectCreate(
  args: string[],
  config: ReturnType<typeof loadConfig>,
  io: CliIo,
): Promise<number> {
  const v = parse(args, {
    name: { type: 'string' },
    'public-key': { type: 'string' },
    json: { type: 'boolean' },
  });
  const body = validate(createProjectBodySchema, {
    name: required(v.name, '--name'),
    ...(v['public-key'] ? { publicKey: readFileArg(v['public-key'], '--public-key') } : {}),
  });
  const created = await withOperations(config, (ops) => ops.createProject(body));
  if (v.json) {
    io.out(JSON.stringify(created, null, 2));
    return 0;
  }
  io.out(`projectId   ${created.projectId}`);
  io.out(`apiKey      ${created.apiKey}   (secret: shown once)`);
  if (created.signingKey) {
    io.out('signingKey  (RS256 private key, shown once; only the public key is stored)');
    io.out(created.signingKey.trimEnd());
  } else {
    io.out('signingKey  your own key (public key registered)');
  }
  return 0;
}

async function projectList(
  args: string[],
  config: ReturnType<typeof loadConfig>,
  io: CliIo,
): Promise<number> {
  const v = parse(args, { json: { type: 'boolean' } });
  const projects = await withOperations(config, (ops) => ops.listProjects());
  if (v.json) io.out(JSON.stringify(projects, null, 2));
  else
    for (const p of projects)
      io.out(`${p.id}  ${p.name}  (${p.signingKeys.filter((k) => k.isActive).length} active signing key(s))`);
  return 0;
}

async function integrationEnable(
  args: string[],
  config: ReturnType<typeof loadConfig>,
  io: CliIo,
): Promise<number> {
  const v = parse(args, {
    project: { type: 'string' },
    type: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    scopes: { type: 'string' },
    json: { type: 'boolean' },
  });
  const projectId = required(v.project, '--project');
  const body = validate(enableIntegrationBodySchema, {
    type: required(v.type, '--type'),
    ...(v['client-id'] ? { clientId: v['client-id'] } : {}),
    ...(v['client-secret'] ? { clientSecret: v['client-secret'] } : {}),
    ...(v.scopes ? { scopes: v.scopes.split(/[\s,]+/).filter(Boolean) } : {}),
  });
  const integration = await withOperations(config, (ops) => ops.enableIntegration(projectId, body));
  if (v.json) io.out(JSON.stringify(integration, null, 2));
  else
    io.out(
      `${integration.type} is active in project ${integration.projectId} (integration ${integration.id})`,
    );
  return 0;
}

async function token(args: string[], config: ReturnType<typeof loadConfig>, io: CliIo): Promise<number> {
  const v = parse(args, {
    project: { type: 'string' },
    user: { type: 'string' },
    key: { type: 'string' },
    ttl: { type: 'string' },
    aud: { type: 'string' },
  });
  const projectId = required(v.project, '--project');
  const userId = required(v.user, '--user');
  const signingKey = readFileArg(required(v.key, '--key'), '--key');
  const ttl = validate(ttlSchema, v.ttl ?? '1h');
  const result = await withOperations(config, (ops) =>
    ops.createUserToken(projectId, { userId, signingKey, ttl, audience: v.aud }),
  );
  io.out(result.token);
  return 0;
}

async function keysRotate(args: string[], config: ReturnType<typeof loadConfig>, io: CliIo): Promise<number> {
  const v = parse(args, { json: { type: 'boolean' } });
  let via = '';
  const result = await withOperations(config, (ops) => {
    via = ops.via;
    return ops.rotateKeys();
  });
  if (v.json) {
    io.out(JSON.stringify(result, null, 2));
  } else {
    io.out(`Re-sealed every secret under key ${result.currentKeyId}, via ${via}`);
    io.out(
      result.generatedKey
        ? `  new key generated into the key file; the former current key ${result.previousKeyId} is kept there`
        : '  key from SWITCHBOARD_ENCRYPTION_KEY',
    );
    for (const [table, c] of Object.entries(result.tables)) {
      io.out(
        `  ${table.padEnd(18)} ${String(c.resealed).padStart(6)} re-sealed  ${String(c.alreadyCurrent).padStart(6)} already current  ${String(c.retried).padStart(4)} retried`,
      );
    }
  }
  if (result.unopenable.count === 0) {
    if (!v.json && !result.generatedKey && config.previousEncryptionKeys.length > 0) {
      io.out('  nothing needs the previous keys now: remove them from SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS');
    }
    return 0;
  }
  io.err(
    `switchboard: ${result.unopenable.count} value(s) could not be opened and were left untouched${
      result.unopenable.values.length < result.unopenable.count
        ? ` (first ${result.unopenable.values.length} listed)`
        : ''
    }:`,
  );
  for (const u of result.unopenable.values) io.err(`  ${u.table} ${u.id}: ${u.reason}`);
  io.err(
    'Add the key they were sealed with (SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS, or the key file) and run `switchboard keys rotate` again.',
  );
  return 1;
}
