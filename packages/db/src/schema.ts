import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable, Updateable } from 'kysely';

/** jsonb columns: read as parsed JSON, written as a JSON string (the same on PGlite and pg). */
type Json<T extends object | null> = JSONColumnType<T, string, string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface ProjectTable {
  id: string;
  name: string;
  createdAt: CreatedAt;
}

/** Public halves of a project's RS256 signing keys; several may be active during rotation. */
export interface SigningKeyTable {
  id: string;
  projectId: string;
  publicKeyPem: string;
  isActive: ColumnType<boolean, boolean | undefined, boolean>;
  createdAt: CreatedAt;
}

/** Project API keys, stored as SHA-256 hashes; the key itself is shown once. */
export interface ApiKeyTable {
  id: string;
  projectId: string;
  keyHash: string;
  keyPrefix: string;
  createdAt: CreatedAt;
  revokedAt: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface PortalConfig {
  description?: string;
  overview?: string;
  accentColor?: string;
  /** Integration-level User Settings (ConnectInput objects, validated by the admin API). */
  userSettings?: JsonObject[];
}

export interface IntegrationTable {
  id: string;
  projectId: string;
  type: string;
  isActive: boolean;
  clientId: string | null;
  clientSecret: string | null;
  scopes: Json<string[]>;
  portalConfig: Json<PortalConfig>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export interface ConnectedUserTable {
  id: string;
  projectId: string;
  /** The `sub` of the User Token: the user's id in the project's own app. */
  externalId: string;
  meta: Json<JsonObject>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export type CredentialStatus = 'PENDING' | 'INVALID' | 'VALID';

export interface CredentialTable {
  id: string;
  projectId: string;
  integrationId: string;
  connectedUserId: string;
  status: CredentialStatus;
  providerId: string | null;
  providerData: Json<Record<string, string | number | boolean>>;
  externalId: string | null;
  isPreview: ColumnType<boolean, boolean | undefined, boolean>;
  refreshFailureCount: ColumnType<number, number | undefined, number>;
  dateRefreshed: Date | null;
  dateValidUntil: Date | null;
  /** Non-secret install inputs (e.g. a Shopify shop) used to build the provider's URLs. */
  inputs: ColumnType<Record<string, string>, string | undefined, string>;
  /** The process refreshing this credential's tokens (single-flight lease), and when its claim lapses. */
  refreshLeaseOwner: ColumnType<string | null, string | null | undefined, string | null>;
  refreshLeaseUntil: ColumnType<Date | null, Date | null | undefined, Date | null>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

/** A credential's secrets (tokens or API-key fields), sealed by the vault's keyring. */
export interface CredentialSecretTable {
  credentialId: string;
  sealed: string;
  keyId: string;
  updatedAt: UpdatedAt;
}

/** One OAuth authorization attempt: created at build-oauth, consumed once at the callback. */
export interface OAuthSessionTable {
  id: string;
  projectId: string;
  connectedUserId: string;
  integrationId: string;
  stateHash: string;
  oauthMetaKeyId: string;
  codeVerifierSealed: string | null;
  redirectUri: string;
  originForPostMessage: string | null;
  inputs: Json<Record<string, string>>;
  installOptions: Json<JsonObject>;
  accountType: string | null;
  expiresAt: Date;
  usedAt: Date | null;
  credentialId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: CreatedAt;
}

export interface WorkflowSettingValue {
  enabled: boolean;
  settings: JsonObject;
}

export interface CredentialConfigurationTable {
  id: string;
  credentialId: string;
  workflowSettings: Json<Record<string, WorkflowSettingValue>>;
  sharedSettings: Json<JsonObject>;
  configMeta: Json<JsonObject>;
  externalId: string | null;
  isDefault: boolean;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export interface WorkflowTable {
  id: string;
  projectId: string;
  integrationId: string;
  description: string;
  /** Workflow-level User Settings (ConnectInput objects). */
  inputs: ColumnType<JsonObject[], string | undefined, string>;
  /** What a deploy matches this workflow by when the definition has no `id` (unique per project). */
  deployKey: ColumnType<string | null, string | null | undefined, string | null>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

/** Instance-wide facts, e.g. which project is the development project. */
export interface InstanceSettingTable {
  key: string;
  value: ColumnType<JsonValue, string, string>;
}

/** Sandbox provider (apps/server/src/sandbox): an account chosen on its consent page. */
export interface SandboxAccountTable {
  id: string;
  name: string;
  email: string;
  /** Slug of the account name; unique, so the same name is the same account on every connection. */
  workspace: string;
  createdAt: CreatedAt;
}

/** An authorization request shown on the consent page; the form answers it once. */
export interface SandboxAuthorizationRequestTable {
  requestHash: string;
  clientId: string;
  redirectUri: string;
  state: string;
  scope: string;
  codeChallenge: string;
  expiresAt: Date;
  usedAt: ColumnType<Date | null, Date | null | undefined, Date | null>;
  createdAt: CreatedAt;
}

export interface SandboxAuthorizationCodeTable {
  codeHash: string;
  grantId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  accountId: string;
  expiresAt: Date;
  usedAt: ColumnType<Date | null, Date | null | undefined, Date | null>;
  createdAt: CreatedAt;
}

export type SandboxTokenKind = 'access' | 'refresh';

export interface SandboxTokenTable {
  id: string;
  tokenHash: string;
  kind: SandboxTokenKind;
  grantId: string;
  accountId: string;
  clientId: string;
  scope: string;
  expiresAt: Date;
  revokedAt: ColumnType<Date | null, Date | null | undefined, Date | null>;
  replacedBy: ColumnType<string | null, string | null | undefined, string | null>;
  createdAt: CreatedAt;
}

export interface SandboxContactTable {
  id: string;
  accountId: string;
  name: string;
  email: string;
  createdAt: CreatedAt;
}

export type MonitoringEventKind = 'credential.failure' | 'workflow.failure';

/** An event for the project's monitoring (credential failures); webhook delivery reads these. */
export interface MonitoringEventTable {
  id: string;
  projectId: string;
  kind: MonitoringEventKind;
  connectedUserId: string | null;
  credentialId: string | null;
  integrationType: string | null;
  payload: Json<JsonObject>;
  createdAt: CreatedAt;
}

/** A project-configured URL that receives its monitoring events, signed with `secretSealed`. */
export interface WebhookDestinationTable {
  id: string;
  projectId: string;
  url: string;
  secretSealed: string;
  /** The event kinds wanted; null = every kind. */
  kinds: JSONColumnType<MonitoringEventKind[] | null, string | null, string | null>;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  createdAt: CreatedAt;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One monitoring event on its way to one destination: a leased, retried outbox row. */
export interface WebhookDeliveryTable {
  id: string;
  destinationId: string;
  eventId: string;
  status: ColumnType<WebhookDeliveryStatus, WebhookDeliveryStatus | undefined, WebhookDeliveryStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  nextAttemptAt: ColumnType<Date, Date | undefined, Date>;
  lastStatus: number | null;
  lastError: string | null;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  createdAt: CreatedAt;
  deliveredAt: Date | null;
}

/** One deployed, immutable version of a workflow's definition (the engine's WorkflowDefinition JSON). */
export interface WorkflowVersionTable {
  id: string;
  workflowId: string;
  projectId: string;
  version: number;
  definition: Json<JsonObject>;
  createdAt: CreatedAt;
}

/** A `paragon.event(name, payload)` as stored (before any execution runs). */
export interface AppEventTable {
  id: string;
  projectId: string;
  connectedUserId: string;
  name: string;
  payload: Json<JsonObject>;
  idempotencyKey: string | null;
  createdAt: CreatedAt;
}

export type ExecutionRowStatus = 'queued' | 'running' | 'waiting' | 'succeeded' | 'failed';
export type ExecutionTriggerKind = 'appEvent' | 'request' | 'schedule' | 'integrationEnabled';

/** One run of one workflow version for one Connected User; `state` is the engine's ExecutionState. */
export interface ExecutionTable {
  id: string;
  projectId: string;
  workflowId: string;
  workflowVersionId: string;
  integrationType: string;
  connectedUserId: string;
  credentialId: string | null;
  appEventId: string | null;
  triggerKind: ExecutionTriggerKind;
  status: ExecutionRowStatus;
  state: Json<JsonObject>;
  wakeAt: Date | null;
  leaseOwner: ColumnType<string | null, string | null | undefined, string | null>;
  leaseUntil: ColumnType<Date | null, Date | null | undefined, Date | null>;
  claims: ColumnType<number, number | undefined, number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
  finishedAt: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The execution this one replays (null: not a replay, or that one was deleted by retention). */
  replayOf: ColumnType<string | null, string | null | undefined, string | null>;
}

/** One step record of an execution (ExecutionState.steps[key]); see migration 0009. */
export interface ExecutionStepTable {
  executionId: string;
  key: string;
  record: Json<JsonObject>;
}

/** One enabled (Schedule workflow, credential configuration) and its next scheduled instant. */
export interface WorkflowScheduleTable {
  workflowId: string;
  credentialId: string;
  configurationId: string;
  projectId: string;
  connectedUserId: string;
  spec: string;
  nextRunAt: Date;
  lastRunAt: ColumnType<Date | null, Date | null | undefined, Date | null>;
  createdAt: CreatedAt;
}

export interface Database {
  projects: ProjectTable;
  signingKeys: SigningKeyTable;
  apiKeys: ApiKeyTable;
  integrations: IntegrationTable;
  connectedUsers: ConnectedUserTable;
  credentials: CredentialTable;
  credentialConfigurations: CredentialConfigurationTable;
  workflows: WorkflowTable;
  monitoringEvents: MonitoringEventTable;
  webhookDestinations: WebhookDestinationTable;
  webhookDeliveries: WebhookDeliveryTable;
  workflowVersions: WorkflowVersionTable;
  appEvents: AppEventTable;
  executions: ExecutionTable;
  executionSteps: ExecutionStepTable;
  workflowSchedules: WorkflowScheduleTable;
  instanceSettings: InstanceSettingTable;
  credentialSecrets: CredentialSecretTable;
  oauthSessions: OAuthSessionTable;
  sandboxAccounts: SandboxAccountTable;
  sandboxAuthorizationRequests: SandboxAuthorizationRequestTable;
  sandboxAuthorizationCodes: SandboxAuthorizationCodeTable;
  sandboxTokens: SandboxTokenTable;
  sandboxContacts: SandboxContactTable;
}

export type ProjectRow = Selectable<ProjectTable>;
export type SigningKeyRow = Selectable<SigningKeyTable>;
export type IntegrationRow = Selectable<IntegrationTable>;
export type ConnectedUserRow = Selectable<ConnectedUserTable>;
export type CredentialRow = Selectable<CredentialTable>;
export type NewCredential = Insertable<CredentialTable>;
export type CredentialConfigurationRow = Selectable<CredentialConfigurationTable>;
export type CredentialConfigurationUpdate = Updateable<CredentialConfigurationTable>;
export type WorkflowRow = Selectable<WorkflowTable>;
export type MonitoringEventRow = Selectable<MonitoringEventTable>;
export type WebhookDestinationRow = Selectable<WebhookDestinationTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;
export type WorkflowVersionRow = Selectable<WorkflowVersionTable>;
export type AppEventRow = Selectable<AppEventTable>;
export type ExecutionRow = Selectable<ExecutionTable>;
export type OAuthSessionRow = Selectable<OAuthSessionTable>;
export type SandboxAccountRow = Selectable<SandboxAccountTable>;
export type SandboxAuthorizationRequestRow = Selectable<SandboxAuthorizationRequestTable>;
export type SandboxAuthorizationCodeRow = Selectable<SandboxAuthorizationCodeTable>;
export type SandboxTokenRow = Selectable<SandboxTokenTable>;
export type NewSandboxToken = Insertable<SandboxTokenTable>;
export type SandboxContactRow = Selectable<SandboxContactTable>;
export type { Generated };
