import type { IntegrationDefinition } from '@switchboard/catalog';
import {
  type Database,
  findCredentialSecrets,
  findIntegration,
  listCredentialsDueForRefresh,
} from '@switchboard/db';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { TokenRefresher } from './tokenRefresher';

export interface RefreshSweepDeps {
  db: Kysely<Database>;
  tokens: TokenRefresher;
  definitionOf(type: string): IntegrationDefinition | undefined;
  logger: FastifyBaseLogger;
  /** This server's origin, for local entries whose token URL is `{{switchboardOrigin}}/…`. */
  origin: string;
  /** Refresh credentials whose access token expires within this; default 5 minutes. */
  lookaheadMs?: number;
  /** At most this many credentials per sweep; default 100. */
  batchSize?: number;
}

export interface SweepResult {
  due: number;
  refreshed: number;
  failed: number;
}

/**
 * One pass of the background refresh: VALID credentials that expire within the look-ahead are refreshed
 * through the same single-flight path as the proxy, so an idle user's token is fresh when next needed
 * and a revoked grant is noticed (INVALID, failure event) before a workflow trips on it. Credentials
 * another process is refreshing (live lease) are skipped; one credential's failure never stops the pass.
 */
export async function runRefreshSweep(deps: RefreshSweepDeps): Promise<SweepResult> {
  const due = await listCredentialsDueForRefresh(
    deps.db,
    new Date(Date.now() + (deps.lookaheadMs ?? 5 * 60_000)),
    deps.batchSize ?? 100,
  );
  const result: SweepResult = { due: due.length, refreshed: 0, failed: 0 };
  for (const row of due) {
    try {
      const integration = await findIntegration(deps.db, row.projectId, row.integrationId);
      const definition = integration && deps.definitionOf(integration.type);
      const stored = await findCredentialSecrets(deps.db, row.id);
      if (!integration || !definition || !stored) continue;
      const opened = deps.tokens.open(stored.sealed);
      const context = { credential: row, definition, integration, origin: deps.origin };
      if (!deps.tokens.canRefresh(context, opened.secrets)) continue;
      await deps.tokens.refresh(context, opened);
      result.refreshed += 1;
    } catch (error) {
      result.failed += 1;
      deps.logger.warn(
        { credentialId: row.id, reason: error instanceof Error ? error.message : String(error) },
        'background credential refresh failed',
      );
    }
  }
  return result;
}

/** Runs the sweep every `intervalMs` (never two at once); returns a stop function. */
export function startRefreshSweep(deps: RefreshSweepDeps & { intervalMs: number }): () => Promise<void> {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = runRefreshSweep(deps)
      .catch((error: unknown) => deps.logger.error({ err: error }, 'credential refresh sweep failed'))
      .finally(() => {
        running = undefined;
      });
  }, deps.intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
