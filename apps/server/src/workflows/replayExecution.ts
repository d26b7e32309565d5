import { randomUUID } from 'node:crypto';
import { AppError, type ReplayExecutionBody } from '@switchboard/contracts';
import {
  type Database,
  type Execution,
  findExecutionRow,
  findIntegration,
  findLatestWorkflowVersion,
  findUserCredential,
  findWorkflow,
  findWorkflowVersion,
  insertReplayExecution,
  type JsonObject,
} from '@switchboard/db';
import { createExecutionState, type ExecutionState } from '@switchboard/engine';
import type { Kysely } from 'kysely';

/**
 * Replays a finished execution: a new execution for the same Connected User and credential, with the
 * same trigger data, User Settings and user snapshot as the original (so it re-runs what that one
 * ran), of the workflow's latest version (default, to re-run after a fix) or of the original's
 * version. It records `replayOf` and is queued like any other: the caller wakes the worker.
 * 404: no such execution. 409: it cannot run now (still unfinished; the credential is gone or not
 * VALID; the integration is not active; the latest version has another trigger type).
 */
export async function replayExecution(
  db: Kysely<Database>,
  projectId: string,
  executionId: string,
  options: ReplayExecutionBody,
): Promise<Execution> {
  const original = await findExecutionRow(db, projectId, executionId);
  if (!original) {
    throw new AppError(
      'EXECUTION_NOT_FOUND',
      404,
      `execution ${executionId} does not exist in project ${projectId} (or retention deleted it); list them with GET /admin/projects/${projectId}/executions.`,
    );
  }
  const cannot = (why: string) =>
    new AppError('CONFLICT', 409, `execution ${executionId} cannot be replayed: ${why}.`);
  if (original.status !== 'succeeded' && original.status !== 'failed')
    throw cannot(`it is still ${original.status}; replay it once it has finished`);

  const version =
    options.version === 'original'
      ? await findWorkflowVersion(db, original.workflowVersionId)
      : await findLatestWorkflowVersion(db, original.workflowId);
  const workflow = await findWorkflow(db, projectId, original.workflowId);
  if (!version || !workflow) throw cannot('its workflow has no deployed version');
  const trigger = version.definition.trigger as { type?: string } | undefined;
  if (trigger?.type !== original.triggerKind) {
    throw cannot(
      `the latest version of workflow ${workflow.id} (version ${version.version}) has a ${trigger?.type} trigger, the execution was a ${original.triggerKind} one; replay it with {"version":"original"}`,
    );
  }
  const integration = await findIntegration(db, projectId, workflow.integrationId);
  if (!integration?.isActive)
    throw cannot(`integration ${original.integrationType} is not active in the project`);
  const credential = original.credentialId
    ? await findUserCredential(db, original.connectedUserId, original.credentialId)
    : undefined;
  if (!credential)
    throw cannot(`the user's ${original.integrationType} credential is gone; the user must connect it again`);
  if (credential.status !== 'VALID')
    throw cannot(
      `the user's ${original.integrationType} credential ${credential.id} is ${credential.status}`,
    );

  const context = (original.state as unknown as ExecutionState).context;
  const id = randomUUID();
  const state = createExecutionState({
    executionId: id,
    trigger: context.trigger,
    settings: context.settings,
    user: context.user,
    now: new Date(),
  });
  await insertReplayExecution(
    db,
    {
      id,
      projectId,
      workflowId: workflow.id,
      workflowVersionId: version.id,
      integrationType: integration.type,
      connectedUserId: original.connectedUserId,
      credentialId: credential.id,
      triggerKind: original.triggerKind,
      state: state as unknown as JsonObject,
    },
    original,
  );
  const replay = await findExecutionRow(db, projectId, id);
  if (!replay) throw new AppError('INTERNAL', 500, `replay ${id} was not stored`);
  return replay;
}
