import {
  type Database,
  findConnectedUser,
  findIntegration,
  insertExecution,
  listLatestWorkflowVersions,
  listWorkflows,
} from '@switchboard/db';
import type { Kysely } from 'kysely';
import { prepareExecution } from './prepareExecution';

/**
 * Queues one execution of every Integration Enabled workflow of the credential's integration (the
 * latest version's trigger is `integrationEnabled`) for the user who installed it. Called with the
 * transaction that makes a new credential VALID (saveInstalledCredential for an install; complete-setup
 * of a PENDING one), so the credential and its executions commit together, before the install
 * answers. Every query goes through `db`: on the embedded database a transaction owns the only
 * session, so a query outside it would wait forever. Not called on re-authentication of an existing
 * credential. The
 * workflow needs no enabling: Paragon hides these workflows from the Connect Portal and runs them on
 * install. A workflow that already ran for this credential (complete-setup after a re-authentication
 * left it PENDING) does not run again. Returns how many executions were queued.
 */
export async function runIntegrationEnabled(
  db: Kysely<Database>,
  input: { projectId: string; connectedUserId: string; integrationId: string; credentialId: string },
): Promise<number> {
  const [versions, workflows, connectedUser, integration] = await Promise.all([
    listLatestWorkflowVersions(db, input.projectId),
    listWorkflows(db, input.projectId),
    findConnectedUser(db, input.connectedUserId),
    findIntegration(db, input.projectId, input.integrationId),
  ]);
  if (!connectedUser || !integration) return 0;
  let queued = 0;
  for (const version of versions) {
    const trigger = version.definition.trigger as { type?: string } | undefined;
    if (trigger?.type !== 'integrationEnabled') continue;
    const workflow = workflows.find((w) => w.id === version.workflowId);
    if (workflow?.integrationId !== input.integrationId) continue;
    const earlier = await db
      .selectFrom('executions')
      .select('id')
      .where('workflowId', '=', workflow.id)
      .where('credentialId', '=', input.credentialId)
      .where('triggerKind', '=', 'integrationEnabled')
      .limit(1)
      .executeTakeFirst();
    if (earlier) continue;
    const prepared = await prepareExecution(db, {
      user: { id: connectedUser.id, projectId: input.projectId, externalId: connectedUser.externalId },
      version,
      integrationId: workflow.integrationId,
      triggerKind: 'integrationEnabled',
      trigger: {
        enabledAt: new Date().toISOString(),
        integration: integration.type,
        credentialId: input.credentialId,
      },
      selection: { credentialId: input.credentialId },
      requireEnabled: false,
    });
    if (!prepared.ok) continue;
    await insertExecution(db, prepared.execution);
    queued += 1;
  }
  return queued;
}
