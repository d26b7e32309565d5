import { AppError } from '@switchboard/contracts';
import { type Database, findProjectIdByApiKeyHash } from '@switchboard/db';
import type { Kysely } from 'kysely';
import { hashSecret, secretsEqual } from '../keys/apiKey';

/** Who is calling the admin API: the instance operator, or one project through its API key. */
export type AdminPrincipal = { kind: 'instance' } | { kind: 'project'; projectId: string };

export function createAdminAuthenticator(deps: { db: Kysely<Database>; adminKey: string }) {
  return {
    async authenticate(authorization: string | undefined): Promise<AdminPrincipal> {
      const key = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
      if (!key) {
        throw new AppError(
          'AUTH_API_KEY_INVALID',
          401,
          'Send "Authorization: Bearer <key>" with the instance admin key or the project\'s API key.',
        );
      }
      if (secretsEqual(key, deps.adminKey)) return { kind: 'instance' };
      const projectId = await findProjectIdByApiKeyHash(deps.db, hashSecret(key));
      if (projectId) return { kind: 'project', projectId };
      throw new AppError(
        'AUTH_API_KEY_INVALID',
        401,
        'This key is not the instance admin key nor a project API key.',
      );
    },
  };
}
export type AdminAuthenticator = ReturnType<typeof createAdminAuthenticator>;

export function requireInstance(principal: AdminPrincipal): void {
  if (principal.kind !== 'instance') {
    throw new AppError('FORBIDDEN', 403, 'This call needs the instance admin key, not a project API key.');
  }
}

/** A project key reaches only its own project; anything else looks like it does not exist. */
export function requireProject(principal: AdminPrincipal, projectId: string): void {
  if (principal.kind === 'project' && principal.projectId !== projectId) {
    throw new AppError('PROJECT_NOT_FOUND', 404, `project ${projectId} does not exist.`);
  }
}
