import type {
  AdminIntegration,
  CreateProjectBody,
  CreateProjectResponse,
  DeployWorkflowsBody,
  DeployWorkflowsResponse,
  EnableIntegrationBody,
  ErrorBody,
  Project,
  RotateKeysResponse,
} from '@switchboard/contracts';
import { AppError } from '@switchboard/contracts';
import { type Database, getInstanceSetting } from '@switchboard/db';
import type { Keyring } from '@switchboard/vault';
import type { Kysely } from 'kysely';
import { deployWorkflows } from '../admin/deployAdmin';
import { enableIntegration } from '../admin/integrationAdmin';
import { createProject, listAllProjects } from '../admin/projectAdmin';
import { createUserToken } from '../admin/userTokenAdmin';
import type { CatalogView } from '../catalogView';
import { rotateKeys } from '../keys/rotateKeys';

export interface UserTokenRequest {
  userId: string;
  signingKey: string;
  ttl: number;
  audience?: string | undefined;
}

/** What the CLI can do, whichever way it reaches the database. */
export interface AdminOperations {
  /** How this session reaches the data, for the user: "server at …" or "database …". */
  via: string;
  createProject(body: CreateProjectBody): Promise<CreateProjectResponse>;
  listProjects(): Promise<Project[]>;
  enableIntegration(projectId: string, body: EnableIntegrationBody): Promise<AdminIntegration>;
  createUserToken(projectId: string, body: UserTokenRequest): Promise<{ token: string; expiresAt: string }>;
  /** Re-seals every secret at rest under the current key (a new one in file mode). */
  rotateKeys(): Promise<RotateKeysResponse>;
  /** Deploys a set of workflows to a project, all or nothing (`switchboard deploy`). */
  deployWorkflows(projectId: string, body: DeployWorkflowsBody): Promise<DeployWorkflowsResponse>;
  /** The instance's development project, when this session can tell (straight on the database). */
  developmentProjectId(): Promise<string | undefined>;
  close(): Promise<void>;
}

/** Straight on the database (PostgreSQL, or the embedded one when no server holds it). */
export function directAdminOperations(deps: {
  db: Kysely<Database>;
  catalog: CatalogView;
  keyring: Keyring;
  via: string;
  close(): Promise<void>;
}): AdminOperations {
  return {
    via: deps.via,
    createProject: (body) => createProject(deps.db, body),
    listProjects: () => listAllProjects(deps.db),
    enableIntegration: (projectId, body) => enableIntegration(deps, projectId, body),
    createUserToken: (projectId, body) => createUserToken(deps.db, projectId, body),
    rotateKeys: () => rotateKeys({ db: deps.db, keyring: deps.keyring }),
    deployWorkflows: (projectId, body) => deployWorkflows(deps.db, projectId, body),
    developmentProjectId: async () => {
      const id = await getInstanceSetting(deps.db, 'developmentProjectId');
      return typeof id === 'string' ? id : undefined;
    },
    close: deps.close,
  };
}

/**
 * Through a running server's admin API with the instance admin key, or with a project's API key
 * (`switchboard deploy --url`: only that project's calls then succeed).
 */
export function httpAdminOperations(
  baseUrl: string,
  adminKey: string,
  options: { remote?: boolean } = {},
): AdminOperations {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${adminKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new AppError(
        'SERVER_UNREACHABLE',
        503,
        `the Switchboard server at ${baseUrl} ${options.remote ? 'did not answer; check --url (SWITCHBOARD_URL)' : 'holds the database but did not answer'} (${(error as Error).message}).`,
      );
    }
    const payload = (await response.json().catch(() => undefined)) as unknown;
    if (!response.ok) {
      const err = payload as Partial<ErrorBody> | undefined;
      throw new AppError(
        err?.code ?? 'INTERNAL',
        response.status,
        err?.message ?? `HTTP ${response.status}`,
        err?.details,
      );
    }
    return payload as T;
  }
  return {
    via: `server at ${baseUrl}`,
    createProject: (body) => call('POST', '/admin/projects', body),
    listProjects: () => call('GET', '/admin/projects'),
    enableIntegration: (projectId, body) => call('POST', `/admin/projects/${projectId}/integrations`, body),
    createUserToken: (projectId, body) => call('POST', `/admin/projects/${projectId}/user-tokens`, body),
    rotateKeys: () => call('POST', '/admin/keys/rotate'),
    deployWorkflows: (projectId, body) => call('POST', `/admin/projects/${projectId}/deploys`, body),
    developmentProjectId: async () => undefined,
    close: async () => {},
  };
}
