import { randomUUID } from 'node:crypto';
import { type Database, upsertConnectedUser } from '@switchboard/db';
import type { Kysely } from 'kysely';
import type { UserTokenVerifier } from './userTokenVerifier';

export interface ConnectedUserRef {
  /** Switchboard's id of the Connected User (the SDK's `personaId`). */
  id: string;
  projectId: string;
  /** The token's `sub`: the user's id in the project's own app. */
  externalId: string;
}

const MAX_CACHED_USERS = 50_000;

/**
 * Turns a verified User Token into a Connected User, creating it on first use. The (project, sub) →
 * id mapping never changes once created, so it is cached to keep the hot path at zero writes.
 */
export function createConnectedUserResolver(deps: { db: Kysely<Database>; verifier: UserTokenVerifier }) {
  const ids = new Map<string, string>();
  return async function resolveConnectedUser(
    projectId: string,
    authorization: string | undefined,
  ): Promise<ConnectedUserRef> {
    const { sub } = await deps.verifier.verify(projectId, authorization);
    const cacheKey = `${projectId}\u0000${sub}`;
    let id = ids.get(cacheKey);
    if (!id) {
      id = (await upsertConnectedUser(deps.db, { id: randomUUID(), projectId, externalId: sub })).id;
      if (ids.size >= MAX_CACHED_USERS) ids.delete(ids.keys().next().value as string);
      ids.set(cacheKey, id);
    }
    return { id, projectId, externalId: sub };
  };
}
export type ConnectedUserResolver = ReturnType<typeof createConnectedUserResolver>;
