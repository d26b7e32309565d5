import {
  type CredentialWithConfigurations,
  type Database,
  findCredentialSecrets,
  listUserCredentials,
} from '@switchboard/db';
import type { Kysely } from 'kysely';
import type { OpenedSecrets } from './tokenRefresher';

interface Entry {
  loadedAt: number;
  credentials: CredentialWithConfigurations[];
  opened: Map<string, OpenedSecrets>;
}

/**
 * The proxy's hot-path cache: a Connected User's credentials of one integration and their opened
 * secrets, so a proxied call with a valid token costs no database round trip. This process's own
 * changes (install, disconnect, refresh) update or drop entries at once; another process's changes
 * show within `ttlMs`. A token another process refreshed meanwhile is still the provider's to judge:
 * the old one keeps working until it expires, and a 401 makes the proxy read the new one.
 */
export function createCredentialCache(deps: { db: Kysely<Database>; ttlMs?: number; maxEntries?: number }) {
  const ttlMs = deps.ttlMs ?? 2_000;
  const maxEntries = deps.maxEntries ?? 10_000;
  const entries = new Map<string, Entry>();
  const keyOf = (userId: string, integrationId: string) => `${userId}:${integrationId}`;

  async function entryOf(userId: string, integrationId: string): Promise<Entry> {
    const key = keyOf(userId, integrationId);
    const hit = entries.get(key);
    if (hit && Date.now() - hit.loadedAt < ttlMs) return hit;
    const credentials = await listUserCredentials(deps.db, userId, { integrationId });
    const entry: Entry = { loadedAt: Date.now(), credentials, opened: new Map() };
    entries.delete(key);
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
    entries.set(key, entry);
    return entry;
  }

  return {
    async credentialsOf(userId: string, integrationId: string): Promise<CredentialWithConfigurations[]> {
      return (await entryOf(userId, integrationId)).credentials;
    },

    /** The credential's opened secrets, or undefined when it holds none. */
    async secretsOf(
      credential: Pick<CredentialWithConfigurations, 'id' | 'connectedUserId' | 'integrationId'>,
      open: (sealed: string) => OpenedSecrets,
    ): Promise<OpenedSecrets | undefined> {
      const entry = await entryOf(credential.connectedUserId, credential.integrationId);
      const hit = entry.opened.get(credential.id);
      if (hit) return hit;
      const stored = await findCredentialSecrets(deps.db, credential.id);
      if (!stored) return undefined;
      const opened = open(stored.sealed);
      entry.opened.set(credential.id, opened);
      return opened;
    },

    /** Records secrets this process just refreshed. */
    remember(
      credential: Pick<CredentialWithConfigurations, 'id' | 'connectedUserId' | 'integrationId'>,
      opened: OpenedSecrets,
    ): void {
      entries
        .get(keyOf(credential.connectedUserId, credential.integrationId))
        ?.opened.set(credential.id, opened);
    },

    /** Drops everything cached for a Connected User (their credentials changed). */
    invalidateUser(userId: string): void {
      for (const key of entries.keys()) if (key.startsWith(`${userId}:`)) entries.delete(key);
    },
  };
}
export type CredentialCache = ReturnType<typeof createCredentialCache>;
