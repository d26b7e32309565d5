import type {
  IntegrationMetadata,
  MeResponse,
  SdkIntegration,
  SdkIntegrationState,
  UserMeta,
} from '@switchboard/contracts';
import type { ConnectUser, SdkResource } from './connectUser';
import { normalizeHost } from './hostUrl';
import { toIntegrationMetadata } from './integrationMetadata';
import {
  type CredentialSelection,
  findCredential,
  normalizeIntegrationStates,
  resolveCredentialAndConfiguration,
  withoutCredential,
  withWorkflowEnabled,
} from './integrationState';
import { SdkEventBus, type SdkEventListener, type SdkEventName, type SdkLogger } from './sdkEvents';
import {
  ConnectRequestError,
  type FetchLike,
  type SdkAuth,
  type SdkRequest,
  selectedConfigurationHeader,
  selectedCredentialHeader,
  sendSdkRequest,
} from './sdkHttp';
import { sdkVersion } from './sdkVersion';
import { normalizeUserMeta, userMetaWouldChange } from './userMeta';
import { decodeUserTokenPayload, readUserTokenClaims, type UserTokenPayload } from './userToken';

export type ConnectClientDeps = {
  /** Called as a plain function, never as a method. */
  fetch: FetchLike;
  /** Milliseconds since the epoch; checks the User Token's `exp`. */
  now?: () => number;
  logger?: SdkLogger;
};

export type AuthenticateOptions = { metadata?: Record<string, unknown> };

export class UserNotAuthenticatedError extends Error {
  override readonly name = 'UserNotAuthenticatedError';

  constructor() {
    super(
      'User not authenticated, Call paragon.authenticate(<projectId>, <user token>) before using the SDK.',
    );
  }
}

/** One authenticated user: everything the server answered at authenticate() or the last refresh. */
type Session = SdkAuth & {
  userId: string;
  integrations: Record<string, SdkIntegrationState>;
  meta: UserMeta;
  resources: SdkResource[];
  /** GET /sdk/integrations: the project's integrations, their portal configs and workflows. */
  registry: SdkIntegration[];
};

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The `paragon` API against one Switchboard server. Public methods are bound arrow properties, so
 * `const { getUser } = paragon` works as with the official client.
 *
 * State lives in memory only. Operations that await the server re-check that the session they started
 * with is still current before touching state, so configureGlobal()/authenticate() during a request
 * never mixes two users' data.
 */
export class ConnectClient {
  private host: string | undefined;
  private session: Session | undefined;
  /** Bumped by every authenticate() and configureGlobal(); an older authenticate() never commits. */
  private generation = 0;
  private latestAuth: { generation: number; promise: Promise<void> } | undefined;
  private readonly fetchFn: FetchLike;
  private readonly now: () => number;
  private readonly events: SdkEventBus;

  constructor(deps: ConnectClientDeps) {
    this.fetchFn = deps.fetch;
    this.now = deps.now ?? Date.now;
    this.events = new SdkEventBus(() => this.getUser(), deps.logger ?? console);
  }

  /**
   * Points the SDK at a Switchboard server, e.g. `{ host: 'https://connect.example.com' }`. Like the
   * official client it signs the user out: call authenticate() afterwards.
   */
  configureGlobal = (config: { host: string }): void => {
    if (!config?.host) throw new Error('host not specified');
    this.host = normalizeHost(config.host);
    this.generation += 1;
    this.latestAuth = undefined;
    this.session = undefined;
  };

  /**
   * Signs a Connected User in with a User Token (RS256 JWT signed by the project's key) and loads
   * their integration state. `options.metadata` is saved to the user when it would change it.
   */
  authenticate = async (
    projectId: string,
    userToken: string,
    options: AuthenticateOptions = {},
  ): Promise<void> => {
    if (!projectId || !userToken)
      throw new Error('projectId or token not specified to paragon.authenticate()');
    if (typeof userToken !== 'string')
      throw new Error('A well-formed JWT was not provided to paragon.authenticate()');
    const payload = decodeUserTokenPayload(userToken);
    if (!this.host) {
      throw new Error(
        'No Switchboard host configured: call paragon.configureGlobal({ host: "https://<your Switchboard server>" }) before paragon.authenticate().',
      );
    }
    this.generation += 1;
    const generation = this.generation;
    const auth: SdkAuth = { host: this.host, projectId: String(projectId), token: userToken };
    const promise = this.establishSession(generation, auth, payload, options);
    this.latestAuth = { generation, promise };
    return promise;
  };

  /** A snapshot of the user (never the token): `{ authenticated: false }` before authenticate(). */
  getUser = (): ConnectUser => {
    const session = this.session;
    if (!session) return { authenticated: false };
    return structuredClone({
      authenticated: true,
      userId: session.userId,
      integrations: session.integrations,
      meta: session.meta,
      resources: session.resources,
    });
  };

  /** Merges metadata into the user's (`Name`/`Email` normalized), then reloads the user. */
  setUserMetadata = async (meta: Record<string, unknown>): Promise<ConnectUser> => {
    const session = this.requireSession();
    if (!isRecord(meta)) {
      throw new Error(
        'paragon.setUserMetadata() expects an object, e.g. { Name: "Ada", Email: "ada@example.com" }',
      );
    }
    await this.call(session, { method: 'PATCH', path: '/me', body: { meta: normalizeUserMeta(meta) } });
    await this.refresh(session);
    return this.getUser();
  };

  /** Name, brand colour and icon of the project's active integrations, or of one of them. */
  getIntegrationMetadata: {
    (): IntegrationMetadata[];
    (integrationType: string): IntegrationMetadata;
  } = ((integrationType?: string): IntegrationMetadata[] | IntegrationMetadata => {
    const session = this.session;
    const all = session ? toIntegrationMetadata(session.registry, session.host) : [];
    if (integrationType === undefined) return all;
    const found = all.find((metadata) => metadata.type === integrationType);
    if (!found) throw new Error(`${integrationType} is not a valid integration name`);
    return found;
  }) as ConnectClient['getIntegrationMetadata'];

  /** Disconnects the user's current (or the selected) account of an integration. */
  uninstallIntegration = async (
    integrationType: string,
    options: { selectedCredentialId?: string } = {},
  ): Promise<void> => {
    const session = this.requireSession();
    const { integration, state } = this.requireIntegration(session, integrationType);
    let credentialId = state.credentialId;
    if (options.selectedCredentialId !== undefined) {
      const selected = findCredential(state, options.selectedCredentialId);
      if (!selected) {
        throw new Error(
          `Credential with ID "${options.selectedCredentialId}" is not a valid ${integrationType} account.`,
        );
      }
      credentialId = selected.id;
    }
    if (!credentialId) throw new Error(`Integration "${integrationType}" is not installed.`);
    await this.call(session, {
      method: 'DELETE',
      path: `/integrations/${encodeURIComponent(integration.id)}`,
      headers: { [selectedCredentialHeader]: credentialId },
    });
    const latest = session.integrations[integrationType];
    if (this.session === session && latest) {
      session.integrations[integrationType] = withoutCredential(latest, credentialId);
    }
    this.events.emit('onIntegrationUninstall', { integrationId: integration.id, integrationType });
  };

  /** Turns a workflow on for the user's current (or the selected) credential and configuration. */
  enableWorkflow = (workflowId: string, options: CredentialSelection = {}): Promise<void> =>
    this.setWorkflowEnabled(workflowId, true, options);

  /** Turns a workflow off for the user's current (or the selected) credential and configuration. */
  disableWorkflow = (workflowId: string, options: CredentialSelection = {}): Promise<void> =>
    this.setWorkflowEnabled(workflowId, false, options);

  /** Listens to an SDK event; returns a function that stops listening. */
  subscribe = <K extends SdkEventName>(eventName: K, listener: SdkEventListener<K>): (() => boolean) =>
    this.events.subscribe(eventName, listener);

  /** Stops a listener; false when it was not subscribed. */
  unsubscribe = <K extends SdkEventName>(eventName: K, listener: SdkEventListener<K>): boolean =>
    this.events.unsubscribe(eventName, listener);

  getVersion = (): string => sdkVersion;

  private async establishSession(
    generation: number,
    auth: SdkAuth,
    payload: UserTokenPayload,
    options: AuthenticateOptions,
  ): Promise<void> {
    try {
      const { userId } = readUserTokenClaims(payload, this.now());
      const loaded = await this.load(auth);
      const metadata = normalizeUserMeta(isRecord(options.metadata) ? options.metadata : {});
      let meta = loaded.meta;
      if (Object.keys(metadata).length > 0 && userMetaWouldChange(meta, metadata)) {
        await sendSdkRequest(this.fetchFn, auth, { method: 'PATCH', path: '/me', body: { meta: metadata } });
        meta = { ...meta, ...metadata };
      }
      if (generation !== this.generation) return this.supersededBy(generation);
      this.session = { ...auth, userId, ...loaded, meta };
    } catch (error) {
      if (generation !== this.generation) return this.supersededBy(generation);
      this.session = undefined;
      throw new Error(`Failed to authenticate user with Switchboard: ${describe(error)}`, { cause: error });
    }
  }

  /** An authenticate() overtaken by a later call settles like that call. */
  private supersededBy(generation: number): Promise<void> {
    const latest = this.latestAuth;
    if (latest && latest.generation > generation) return latest.promise;
    return Promise.reject(
      new Error(
        'paragon.authenticate() was interrupted by paragon.configureGlobal(); call authenticate() again.',
      ),
    );
  }

  /** GET /sdk/me and GET /sdk/integrations, in parallel as the official client does. */
  private async load(
    auth: SdkAuth,
  ): Promise<Pick<Session, 'integrations' | 'meta' | 'resources' | 'registry'>> {
    const [me, registry] = await Promise.all([
      this.send(auth, { method: 'GET', path: '/me' }),
      this.send(auth, { method: 'GET', path: '/integrations' }),
    ]);
    if (!isRecord(me) || !isRecord(me.integrations)) {
      throw new Error('GET /sdk/me did not answer a user object with `integrations`');
    }
    if (!Array.isArray(registry)) throw new Error('GET /sdk/integrations did not answer an array');
    const user = me as Partial<MeResponse>;
    return {
      integrations: normalizeIntegrationStates(user.integrations ?? {}),
      meta: isRecord(user.meta) ? (user.meta as UserMeta) : {},
      resources: Array.isArray(user.resources) ? user.resources : [],
      registry: registry as SdkIntegration[],
    };
  }

  private async refresh(session: Session): Promise<void> {
    const loaded = await this.load(session);
    if (this.session === session) Object.assign(session, loaded);
  }

  /** Sends for a session; requests made with `auth` belong to whoever holds it. */
  private send(auth: SdkAuth, request: SdkRequest): Promise<unknown> {
    return sendSdkRequest(this.fetchFn, auth, request);
  }

  /**
   * A request on behalf of the signed-in user. A 401 means the server no longer accepts the User
   * Token (Switchboard answers 401 for authentication failures only), so the user is signed out, as
   * the official client does.
   */
  private async call(session: Session, request: SdkRequest): Promise<unknown> {
    try {
      return await this.send(session, request);
    } catch (error) {
      if (error instanceof ConnectRequestError && error.status === 401 && this.session === session) {
        this.session = undefined;
      }
      throw error;
    }
  }

  private requireSession(): Session {
    if (!this.session) throw new UserNotAuthenticatedError();
    return this.session;
  }

  private requireIntegration(
    session: Session,
    integrationType: string,
  ): { integration: SdkIntegration; state: SdkIntegrationState } {
    const configured = session.registry.filter((integration) => (integration.configs?.length ?? 0) > 0);
    const integration = configured.find((candidate) => candidate.type === integrationType);
    if (!integration) {
      const list = configured.map((candidate) => `- "${candidate.type}"\n`).join('');
      throw new Error(
        `"${integrationType}" is not a valid integration type. The integrations you have configured for this Switchboard project are:\n\n${list}`,
      );
    }
    const state = session.integrations[integrationType];
    if (!state)
      throw new Error(
        `integration "${integrationType}" has not been set up in your Switchboard project yet.`,
      );
    if (!integration.isActive) {
      throw new Error(`integration "${integrationType}" is not active in your Switchboard project yet.`);
    }
    return { integration, state };
  }

  private async setWorkflowEnabled(
    workflowId: string,
    enabled: boolean,
    options: CredentialSelection,
  ): Promise<void> {
    const session = this.requireSession();
    if (!workflowId) throw new Error('workflowId is required.');
    const integration = session.registry.find(
      (candidate) =>
        candidate.configs?.[0]?.values?.workflowMeta?.[workflowId] !== undefined ||
        (candidate.workflows ?? []).some((workflow) => workflow.id === workflowId),
    );
    if (!integration)
      throw new Error('Workflow not found in the configured integrations in your Switchboard project.');
    const type = integration.type;
    const state = session.integrations[type];
    if (!state?.allCredentials.some((credential) => credential.status === 'VALID')) {
      throw new Error(`Integration "${type}" not enabled for workflow.`);
    }
    const { credential, configuration } = resolveCredentialAndConfiguration(state, options);
    if (enabled && credential.status !== 'VALID')
      throw new Error('Valid credential not found for provided options.');
    const isEnabled = configuration.workflowSettings?.[workflowId]?.enabled === true;
    if (enabled && isEnabled) throw new Error(`Workflow ${workflowId} is already enabled for this user.`);
    if (!enabled && !isEnabled) throw new Error(`Workflow ${workflowId} cannot be disabled for this user.`);
    await this.call(session, {
      method: enabled ? 'POST' : 'DELETE',
      path: `/workflows/${encodeURIComponent(workflowId)}`,
      headers: { [selectedCredentialHeader]: credential.id, [selectedConfigurationHeader]: configuration.id },
    });
    const latest = session.integrations[type];
    if (this.session === session && latest) {
      session.integrations[type] = withWorkflowEnabled(latest, configuration.id, workflowId, enabled);
    }
  }
}

export function createConnectClient(deps: ConnectClientDeps): ConnectClient {
  return new ConnectClient(deps);
}
