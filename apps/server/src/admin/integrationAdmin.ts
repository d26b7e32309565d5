import { randomUUID } from 'node:crypto';
import { type AdminIntegration, AppError, type EnableIntegrationBody } from '@switchboard/contracts';
import {
  type Database,
  deactivateIntegration,
  type IntegrationRow,
  type JsonObject,
  listIntegrations,
  upsertIntegration,
} from '@switchboard/db';
import type { Keyring } from '@switchboard/vault';
import type { Kysely } from 'kysely';
import type { CatalogView } from '../catalogView';
import { getProject } from './projectAdmin';

export function presentAdminIntegration(row: IntegrationRow): AdminIntegration {
  return {
    id: row.id,
    projectId: row.projectId,
    type: row.type,
    isActive: row.isActive,
    clientId: row.clientId,
    hasClientSecret: row.clientSecret !== null,
    scopes: row.scopes,
    dateCreated: row.createdAt.toISOString(),
    dateUpdated: row.updatedAt.toISOString(),
  };
}

/** Activates a catalog integration for a project (creating it, or re-activating with updated settings). */
export async function enableIntegration(
  deps: { db: Kysely<Database>; catalog: CatalogView; keyring: Keyring },
  projectId: string,
  input: EnableIntegrationBody,
): Promise<AdminIntegration> {
  await getProject(deps.db, projectId);
  const entry = deps.catalog.get(input.type);
  if (!entry) {
    const known = deps.catalog
      .list()
      .map((e) => e.type)
      .join(', ');
    throw new AppError(
      'INTEGRATION_NOT_IN_CATALOG',
      400,
      `"${input.type}" is not in the catalog; use one of: ${known}.`,
    );
  }
  const row = await upsertIntegration(deps.db, {
    id: randomUUID(),
    projectId,
    type: entry.type,
    clientId: input.clientId,
    // Client secrets are sealed at rest like every other secret.
    clientSecret: input.clientSecret === undefined ? undefined : deps.keyring.seal(input.clientSecret),
    scopes: input.scopes,
    portalConfig: {
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.overview !== undefined ? { overview: input.overview } : {}),
      ...(input.accentColor !== undefined ? { accentColor: input.accentColor } : {}),
      ...(input.userSettings !== undefined
        ? { userSettings: uniqueInputs(input.userSettings, 'userSettings') as unknown as JsonObject[] }
        : {}),
    },
  });
  return presentAdminIntegration(row);
}

/** User Setting ids must be unique within their list: they key the stored values. */
export function uniqueInputs<T extends { id: string }>(inputs: T[], field: string): T[] {
  const seen = new Set<string>();
  for (const input of inputs) {
    if (seen.has(input.id)) {
      throw new AppError(
        'VALIDATION_FAILED',
        400,
        `${field} has two inputs with id "${input.id}"; ids must be unique.`,
      );
    }
    seen.add(input.id);
  }
  return inputs;
}

export async function disableIntegration(
  db: Kysely<Database>,
  projectId: string,
  type: string,
): Promise<void> {
  if (!(await deactivateIntegration(db, projectId, type))) {
    throw new AppError('INTEGRATION_NOT_FOUND', 404, `project ${projectId} has no integration "${type}".`);
  }
}

export async function listProjectIntegrations(
  db: Kysely<Database>,
  projectId: string,
): Promise<AdminIntegration[]> {
  await getProject(db, projectId);
  return (await listIntegrations(db, projectId, { activeOnly: false })).map(presentAdminIntegration);
}
