import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppError } from '@switchboard/contracts';
import * as engine from '@switchboard/engine';
import { type BuildFailure, build, type Message, type Plugin } from 'esbuild';

/** One workflow definition found in a deployed directory. */
export interface LoadedWorkflow {
  /** `<file path relative to the directory, with />#<export name>`: what the deploy matches by. */
  key: string;
  file: string;
  exportName: string;
  /** The exported definition as JSON (validated by the server, not here). */
  definition: Record<string, unknown>;
}

const WORKFLOW_FILE = /\.(ts|mts|js|mjs)$/;
const SKIPPED_FILE = /\.d\.m?ts$|\.(test|spec)\.(ts|mts|js|mjs)$/;
/** Where the virtual `@switchboard/engine` module finds the CLI's own engine while files load. */
const ENGINE_GLOBAL = Symbol.for('switchboard.deploy.engine');

/** The workflow files of `dir`: sources, not declarations or tests, nothing in node_modules or dot folders. */
function workflowFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => {
      const parts = path.split(sep);
      if (parts.some((part) => part === 'node_modules' || part.startsWith('.'))) return false;
      return WORKFLOW_FILE.test(path) && !SKIPPED_FILE.test(path) && statSync(join(dir, path)).isFile();
    })
    .map((path) => path.split(sep).join('/'))
    .sort();
}

/**
 * `import … from '@switchboard/engine'` in a workflow file resolves to this CLI's own engine (the
 * project's repository needs the package for its types only). Its `defineWorkflow` records the
 * definition instead of validating it, so every problem of every file is reported by the deploy
 * with its key, rather than the first one thrown while a file loads.
 */
function enginePlugin(): Plugin {
  const names = Object.keys(engine).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name));
  return {
    name: 'switchboard-engine',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^@switchboard\/engine$/ }, () => ({
        path: '@switchboard/engine',
        namespace: 'switchboard-engine',
      }));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'switchboard-engine' }, () => ({
        contents: `const engine = globalThis[Symbol.for('switchboard.deploy.engine')];\nexport const { ${names.join(', ')} } = engine;\n`,
        loader: 'js',
      }));
    },
  };
}

function describeMessage(dir: string, file: string, message: Message): string {
  const location = message.location;
  const where = location
    ? `${relative(dir, resolve(dir, location.file)).split(sep).join('/')}:${location.line}:${location.column + 1}`
    : file;
  return `${where}: ${message.text}`;
}

/** A plain object that has the shape of a definition (exported without defineWorkflow). */
function looksLikeDefinition(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const candidate = value as Record<string, unknown>;
  return (
    Array.isArray(candidate.steps) && typeof candidate.trigger === 'object' && candidate.trigger !== null
  );
}

/**
 * Loads every workflow of `dir` (`switchboard deploy <dir>`): each `*.ts|*.mts|*.js|*.mjs` file (not
 * `*.d.ts`, tests, node_modules or dot folders) is bundled with esbuild (TypeScript compiled, type-only
 * imports dropped, its own imports bundled) and imported; every export that is a workflow definition —
 * made with `defineWorkflow()`, or a plain object with `trigger` and `steps` — is one workflow, the
 * default export first. An object exported under two names is deployed once. Throws a one-line
 * AppError per problem: the directory is missing, has no workflow files or no definitions, a file does
 * not compile (`file:line:column: message`) or throws while loading.
 */
export async function loadWorkflowDir(dir: string): Promise<LoadedWorkflow[]> {
  const root = resolve(dir);
  let isDirectory = false;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch {
    // missing: reported below
  }
  if (!isDirectory)
    throw new AppError(
      'VALIDATION_FAILED',
      400,
      `${dir} is not a directory; pass the directory that holds your workflow files.`,
    );
  const files = workflowFiles(root);
  if (files.length === 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      400,
      `no workflow files in ${dir}: looked for *.ts, *.mts, *.js and *.mjs (not *.d.ts, tests or node_modules).`,
    );
  }

  const defined = new WeakSet<object>();
  const recordingEngine = {
    ...engine,
    defineWorkflow: (definition: object) => {
      defined.add(definition);
      return definition;
    },
  };
  const scratch = mkdtempSync(join(tmpdir(), 'switchboard-deploy-'));
  const globals = globalThis as unknown as Record<symbol, unknown>;
  globals[ENGINE_GLOBAL] = recordingEngine;
  const workflows: LoadedWorkflow[] = [];
  try {
    for (const [index, file] of files.entries()) {
      let code: string;
      try {
        const result = await build({
          entryPoints: [join(root, file)],
          absWorkingDir: root,
          bundle: true,
          write: false,
          platform: 'node',
          format: 'esm',
          target: 'node20',
          logLevel: 'silent',
          plugins: [enginePlugin()],
        });
        code = result.outputFiles[0]?.text ?? '';
      } catch (error) {
        const failure = error as BuildFailure;
        const first = failure.errors?.[0];
        if (!first) throw error;
        const more = failure.errors.length > 1 ? ` (and ${failure.errors.length - 1} more error(s))` : '';
        throw new AppError('VALIDATION_FAILED', 400, `${describeMessage(root, file, first)}${more}`);
      }
      const bundled = join(scratch, `${index}.mjs`);
      writeFileSync(bundled, code);
      let exported: Record<string, unknown>;
      try {
        exported = (await import(pathToFileURL(bundled).href)) as Record<string, unknown>;
      } catch (error) {
        throw new AppError(
          'VALIDATION_FAILED',
          400,
          `${file}: failed while loading: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const names = Object.keys(exported).sort((a, b) =>
        a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b),
      );
      const seen = new Set<unknown>();
      for (const name of names) {
        const value = exported[name];
        if (seen.has(value)) continue;
        if (
          !(value !== null && typeof value === 'object' && defined.has(value)) &&
          !looksLikeDefinition(value)
        )
          continue;
        seen.add(value);
        workflows.push({
          key: `${file}#${name}`,
          file,
          exportName: name,
          definition: JSON.parse(JSON.stringify(value)) as Record<string, unknown>,
        });
      }
    }
  } finally {
    delete globals[ENGINE_GLOBAL];
    rmSync(scratch, { recursive: true, force: true });
  }
  if (workflows.length === 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      400,
      `no workflows found in ${dir}: ${files.length} file(s) loaded, none exports a workflow (export default defineWorkflow({ … })).`,
    );
  }
  return workflows;
}
