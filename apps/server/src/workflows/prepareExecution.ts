import { randomUUID } from 'node:crypto';
import {
  type Database,
  type ExecutionTriggerKind,
  findConnectedUser,
  findIntegration,
  type JsonObject,
  listTriggerCredentials,
  type NewExecution,
  type TriggerCredential,
  type WorkflowVersion,
} from '@switchboard/db';
import { createExecutionState, type JsonValue } from '@switchboard/engine';
import type { Kysely } from 'kysely';
import type { ConnectedUserRef } from '../auth/connectedUserResolver';
import { currentCredentialOf } from '../sdk/presentUserState';

/** Which credential/configuration the caller picked (`X-Paragon-Credential`, `X-Paragon-Configuration-Id`). */
export interface CredentialSelection {
  credentialId?: string | undefined;
  configurationId?: string | undefined;
}

export type Preparation = { ok: true; execution: NewExecution } | { ok: false; reason: string };

/**
 * An execution of `version` for `user`, or why there is none: the workflow's integration must be
 * active, the user must have a VALID credential of it (the selected one, else the current one), and
 * the workflow must be enabled in that credential's configuration (the selected one, else the
 * default). The User Settings and the user's metadata are snapshotted into the execution state.
 */
export async function prepareExecution(
  db: Kysely<Database>,
  input: PrepareInput & { integrationId: string },
): Promise<Preparation> {
  const { user } = input;
  const [integration, connectedUser] = await Promise.all([
    findIntegration(db, user.projectId, input.integrationId),
    findConnectedUser(db, user.id),
  ]);
  if (!integration?.isActive)
    return { ok: false, reason: "the workflow's integration is not active in this project" };
  const credentials = await listTriggerCredentials(db, user.id, integration.id);
  return buildExecution({
    ...input,
    integration: { type: integration.type },
    credentials,
    userMeta: connectedUser?.meta ?? {},
  });
}

export interface PrepareInput {
  user: ConnectedUserRef;
  version: WorkflowVersion;
  triggerKind: ExecutionTriggerKind;
  trigger: JsonValue;
  selection: CredentialSelection;
  /**
   * Whether the workflow must be enabled in the configuration (default true). Integration Enabled
   * workflows run on install without being enabled (Paragon hides them from the Connect Portal).
   */
  requireEnabled?: boolean;
}

/**
 * prepareExecution from what was read already (an App Event reads its targets, their integration and
 * the user's metadata in one statement): decides, and builds the execution. Pure.
 */
export function buildExecution(
  input: PrepareInput & {
    /** An active integration (callers check `isActive`). */
    integration: { type: string };
    /** The user's credentials of that integration, oldest first. */
    credentials: TriggerCredential[];
    userMeta: JsonObject;
  },
): Preparation {
  const { user, version, selection, integration, credentials } = input;
  const credential = selection.credentialId
    ? credentials.find((c) => c.id === selection.credentialId)
    : currentCredentialOf(credentials);
  if (!credential) {
    return {
      ok: false,
      reason: selection.credentialId
        ? `X-Paragon-Credential is not one of this user's ${integration.type} credentials`
        : `${integration.type} is not connected for this user`,
    };
  }
  if (credential.status !== 'VALID') {
    return {
      ok: false,
      reason: `the ${integration.type} credential ${credential.id} is ${credential.status}`,
    };
  }
  const configuration = selection.configurationId
    ? credential.configurations.find((c) => c.id === selection.configurationId)
    : (credential.configurations.find((c) => c.isDefault) ?? credential.configurations[0]);
  if (!configuration) {
    return {
      ok: false,
      reason: `X-Paragon-Configuration-Id is not a configuration of credential ${credential.id}`,
    };
  }
  const setting = configuration.workflowSettings[version.workflowId];
  if (input.requireEnabled !== false && setting?.enabled !== true) {
    return { ok: false, reason: `workflow ${version.workflowId} is not enabled for this user` };
  }
  const id = randomUUID();
  const state = createExecutionState({
    executionId: id,
    trigger: input.trigger,
    settings: { ...configuration.sharedSettings, ...(setting?.settings ?? {}) },
    user: { id: user.externalId, meta: input.userMeta },
    now: new Date(),
  });
  return {
    ok: true,
    execution: {
      id,
      projectId: user.projectId,
      workflowId: version.workflowId,
      workflowVersionId: version.id,
      integrationType: integration.type,
      connectedUserId: user.id,
      credentialId: credential.id,
      triggerKind: input.triggerKind,
      state: state as unknown as JsonObject,
    },
  };
}
