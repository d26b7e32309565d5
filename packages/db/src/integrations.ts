import type { Kysely } from 'kysely';
import type { Database, IntegrationRow, PortalConfig } from './schema';

export interface IntegrationUpsert {
  id: string;
  projectId: string;
  type: string;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  scopes?: string[] | undefined;
  portalConfig?: PortalConfig | undefined;
}

/**
 * Activates an integration for a project, creating it on first use. Fields not given keep their
 * stored values, so re-enabling never wipes OAuth client settings.
 */
export async function upsertIntegration(
  db: Kysely<Database>,
  input: IntegrationUpsert,
): Promise<IntegrationRow> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('integrations')
      .selectAll()
      .where('projectId', '=', input.projectId)
      .where('type', '=', input.type)
      .forUpdate()
      .executeTakeFirst();
    if (!existing) {
      return trx
        .insertInto('integrations')
        .values({
          id: input.id,
          projectId: input.projectId,
          type: input.type,
          isActive: true,
          clientId: input.clientId ?? null,
          clientSecret: input.clientSecret ?? null,
          scopes: JSON.stringify(input.scopes ?? []),
          portalConfig: JSON.stringify(input.portalConfig ?? {}),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    return trx
      .updateTable('integrations')
      .set({
        isActive: true,
        clientId: input.clientId ?? existing.clientId,
        clientSecret: input.clientSecret ?? existing.clientSecret,
        scopes: JSON.stringify(input.scopes ?? existing.scopes),
        portalConfig: JSON.stringify({ ...existing.portalConfig, ...input.portalConfig }),
        updatedAt: new Date(),
      })
      .where('id', '=', existing.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export async function listIntegrations(
  db: Kysely<Database>,
  projectId: string,
  { activeOnly }: { activeOnly: boolean },
): Promise<IntegrationRow[]> {
  let query = db.selectFrom('integrations').selectAll().where('projectId', '=', projectId);
  if (activeOnly) query = query.where('isActive', '=', true);
  return query.orderBy('type').execute();
}

export async function findIntegration(
  db: Kysely<Database>,
  projectId: string,
  integrationId: string,
): Promise<IntegrationRow | undefined> {
  return db
    .selectFrom('integrations')
    .selectAll()
    .where('projectId', '=', projectId)
    .where('id', '=', integrationId)
    .executeTakeFirst();
}

export async function findIntegrationByType(
  db: Kysely<Database>,
  projectId: string,
  type: string,
): Promise<IntegrationRow | undefined> {
  return db
    .selectFrom('integrations')
    .selectAll()
    .where('projectId', '=', projectId)
    .where('type', '=', type)
    .executeTakeFirst();
}

/** Deactivates an integration (credentials are kept, so re-enabling restores users' connections). */
export async function deactivateIntegration(
  db: Kysely<Database>,
  projectId: string,
  type: string,
): Promise<boolean> {
  const result = await db
    .updateTable('integrations')
    .set({ isActive: false, updatedAt: new Date() })
    .where('projectId', '=', projectId)
    .where('type', '=', type)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
