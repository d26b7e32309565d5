import { type Kysely, sql } from 'kysely';
import type {
  CredentialStatus,
  Database,
  JsonObject,
  WorkflowSettingValue,
  WorkflowVersionRow,
} from './schema';
import { isLatestVersion } from './workflowVersions';

/*
 * What starting an execution needs to read, in as few round trips as the hot path allows: an App Event
 * reads its target workflows with their integration and the user's metadata in one statement, then
 * the user's credentials of each integration (with their configurations) in one more.
 */

/** A latest workflow version an App Event starts, with what deciding and snapshotting needs. */
export interface AppEventTarget extends WorkflowVersionRow {
  integrationId: string;
  integrationType: string;
  integrationActive: boolean;
  /** The Connected User's metadata (snapshotted into the execution). */
  userMeta: JsonObject;
}

/**
 * The workflows an App Event named `event` starts for a Connected User: the latest version of each
 * workflow of the project whose trigger (in that version) is this App Event, with its integration
 * and the user's metadata. Filtered in the database, so an event reads only the definitions it starts.
 */
export async function listAppEventTargets(
  db: Kysely<Database>,
  input: { projectId: string; connectedUserId: string; event: string },
): Promise<AppEventTarget[]> {
  const rows = await db
    .selectFrom('workflowVersions')
    .innerJoin('workflows', 'workflows.id', 'workflowVersions.workflowId')
    .innerJoin('integrations', 'integrations.id', 'workflows.integrationId')
    .selectAll('workflowVersions')
    .select([
      'integrations.id as integrationId',
      'integrations.type as integrationType',
      'integrations.isActive as integrationActive',
      (eb) =>
        eb
          .selectFrom('connectedUsers')
          .select('connectedUsers.meta')
          .where('connectedUsers.id', '=', input.connectedUserId)
          .as('userMeta'),
    ])
    .where('workflowVersions.projectId', '=', input.projectId)
    .where(sql<string>`workflow_versions.definition->'trigger'->>'type'`, '=', 'appEvent')
    .where(sql<string>`workflow_versions.definition->'trigger'->>'event'`, '=', input.event)
    .where(isLatestVersion)
    .execute();
  return rows.map((row) => ({ ...row, userMeta: (row.userMeta ?? {}) as JsonObject }));
}

/** A credential configuration as an execution reads it: enabled workflows and User Settings. */
export interface TriggerConfiguration {
  id: string;
  isDefault: boolean;
  workflowSettings: Record<string, WorkflowSettingValue>;
  sharedSettings: JsonObject;
}

/** A credential as an execution reads it, oldest first like listUserCredentials. */
export interface TriggerCredential {
  id: string;
  status: CredentialStatus;
  configurations: TriggerConfiguration[];
}

/** The user's credentials of one integration with their configurations, in one statement. */
export async function listTriggerCredentials(
  db: Kysely<Database>,
  connectedUserId: string,
  integrationId: string,
): Promise<TriggerCredential[]> {
  const rows = await db
    .selectFrom('credentials')
    .select([
      'credentials.id',
      'credentials.status',
      sql<TriggerConfiguration[]>`coalesce((
        select json_agg(json_build_object(
          'id', cc.id, 'isDefault', cc.is_default,
          'workflowSettings', cc.workflow_settings, 'sharedSettings', cc.shared_settings
        ) order by cc.created_at)
        from credential_configurations cc where cc.credential_id = credentials.id
      ), '[]'::json)`.as('configurations'),
    ])
    .where('credentials.connectedUserId', '=', connectedUserId)
    .where('credentials.integrationId', '=', integrationId)
    .orderBy('credentials.createdAt')
    .orderBy('credentials.id')
    .execute();
  return rows.map((row) => ({
    ...row,
    // PGlite hands json back as text in some paths; PostgreSQL as parsed JSON.
    configurations: (typeof row.configurations === 'string'
      ? JSON.parse(row.configurations)
      : row.configurations) as TriggerConfiguration[],
  }));
}
