import { type Database, type IntegrationRow, listIntegrations } from '@switchboard/db';
import type { Kysely } from 'kysely';
import type { CatalogView } from '../catalogView';

/** How long another process's change to a project's integrations may take to show here. */
const TTL_MS = 5_000;

/**
 * A project's active integrations (those the catalog knows), read on every `/sdk/me` and changed only
 * by admins. Cached per process: this process's admin writes invalidate at once; with several
 * processes on PostgreSQL, another process's change shows within TTL_MS.
 */
export function createActiveIntegrationsCache(deps: { db: Kysely<Database>; catalog: CatalogView }) {
  const cache = new Map<string, { rows: IntegrationRow[]; loadedAt: number }>();
  return {
    async get(projectId: string): Promise<IntegrationRow[]> {
      const hit = cache.get(projectId);
      if (hit && Date.now() - hit.loadedAt < TTL_MS) return hit.rows;
      const rows = (await listIntegrations(deps.db, projectId, { activeOnly: true })).filter((row) =>
        deps.catalog.get(row.type),
      );
      cache.set(projectId, { rows, loadedAt: Date.now() });
      return rows;
    },
    invalidate(projectId: string): void {
      cache.delete(projectId);
    },
  };
}
export type ActiveIntegrationsCache = ReturnType<typeof createActiveIntegrationsCache>;
