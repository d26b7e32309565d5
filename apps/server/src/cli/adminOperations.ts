import type {
  AdminIntegration,
  CreateProjectBody,
  CreateProjectResponse,
  EnableIntegrationBody,
  ErrorBody,
  Project,
  RotateKeysResponse,
} from '@switchboard/contracts';
import { AppError } from '@switchboard/contracts';
import type { Database } from '@switchboard/db';
import type { Keyring } from '@switchboard/vault';
import type { Kysely } from 'kysely';
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
    close: deps.close,
  };
}

/** Through a running server's admin API with the instance admin key. */
export function httpAdminOperations(baseUrl: string, adminKey: string): AdminOperations {
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
        `the Switchboard server at ${baseUrl} holds the database but did not answer (${(error as Error).message}).`,
      );
    }
    const payload = (await response.json().catch(() => undefined)) as unknown;
    if (!response.ok) {
      const err = payload as Partial<ErrorBody> | undefined;
      throw new AppError(err?.code ?? 'INTERNAL', response.status, err?.message ?? `HTTP ${response.status}`);
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
    close: async () => {},
  };
}
