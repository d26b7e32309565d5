import type {
  Credential,
  DropdownOption,
  IntegrationMetadata,
  MeResponse,
  PortalInstallOptions,
  PortalTheme,
  PortalToSdkMessage,
  SdkIntegration,
  SdkIntegrationState,
  UserMeta,
} from '@switchboard/contracts';
import {
  type ConnectOptions,
  type DataSources,
  type InstallIntegrationOptions,
  type IntegrationCallbacks,
  normalizeDropdowns,
} from './connectOptions';
import type { AuthenticatedConnectUser, ConnectUser, SdkResource } from './connectUser';
import { type ExternalFilePickerConstructor, externalFilePickerFor } from './filePicker/externalFilePicker';
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
import { runOAuthPopup } from './oauthPopup';
import { PortalFrame } from './portalFrame';
import { ProxyRequestError, type ProxyRequestInit, sendProxyRequest } from './proxyRequest';
import {
  type IntegrationInstallEvent,
  SdkEventBus,
  type SdkEventListener,
  type SdkEventMap,
  type SdkEventName,
  type SdkLogger,
  type WorkflowStateChangeEvent,
} from './sdkEvents';
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
import { sendAppEvent, triggerWorkflow, type WorkflowTriggerOptions } from './workflowTriggers';

export type ConnectClientDeps = {
  /** Called as a plain function, never as a method. */
  fetch: FetchLike;
  /** Milliseconds since the epoch; checks the User Token's `exp`. */
  now?: () => number;
  logger?: SdkLogger;
  /** The page's window, for the Connect Portal and OAuth popups (default: the global `window`). */
  window?: Window;
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

/** An error the Connect Portal reported (`onError`). */
export class ConnectPortalError extends Error {
  override readonly name = 'ConnectPortalError';

  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** A connect()/installIntegration() call waiting for its integration's events. */
type PendingCall = IntegrationCallbacks & {
  resolve(event: IntegrationInstallEvent): void;
  reject(error: Error): void;
};

/** The per-call callback that mirrors each global event. */
const localCallback = {
  onIntegrationInstall: 'onInstall',
  onIntegrationUninstall: 'onUninstall',
  onWorkflowChange: 'onWorkflowChange',
  onPortalOpen: 'onOpen',
  onPortalClose: 'onClose',
} as const satisfies Record<SdkEventName, keyof IntegrationCallbacks>;

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
  private readonly logger: SdkLogger;
  private readonly windowRef: Window | undefined;
  /** The Connect Portal iframe, for one host and project. */
  private portal: { key: string; frame: PortalFrame } | undefined;
  /** The integration the portal was asked to show; `open` once the portal said it shows it. */
  private modal: { integrationType: string; integrationId: string; open: boolean } | undefined;
  private readonly pendingCalls = new Map<string, PendingCall>();
  private dropdowns: Record<string, DropdownOption[]> = {};

  constructor(deps: ConnectClientDeps) {
    this.fetchFn = deps.fetch;
    this.now = deps.now ?? Date.now;
    this.logger = deps.logger ?? console;
    this.windowRef = deps.window;
    this.events = new SdkEventBus(() => this.getUser(), this.logger);
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
    this.closePortal();
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
    this.closePortal();
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

  /**
   * Calls an integration's API as the user through Switchboard's proxy, e.g.
   * `request('slack', '/chat.postMessage', { method: 'POST', body: { channel, text } })`. Resolves with
   * the provider's answer (JSON parsed); rejects with a ProxyRequestError carrying the status. A 401 or
   * 403 reloads the user (a revoked account then shows as INVALID) without signing them out.
   */
  request = async (integrationType: string, path: string, init: ProxyRequestInit = {}): Promise<unknown> => {
    const session = this.requireSession();
    try {
      return await sendProxyRequest(this.fetchFn, session, integrationType, path, init);
    } catch (error) {
      if (error instanceof ProxyRequestError && (error.status === 401 || error.status === 403))
        await this.refreshQuietly(session);
      throw error;
    }
  };

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
    this.emitFor(integrationType, 'onIntegrationUninstall', {
      integrationId: integration.id,
      integrationType,
    });
  };

  /**
   * Opens the Connect Portal for an integration over the page. Resolves when an account is connected
   * (with the install event), rejects on a connect error; closing the portal settles nothing (as in the
   * official client). Does nothing (resolves undefined) when the integration is not active in the
   * project.
   */
  connect = (
    integrationType: string,
    options: ConnectOptions = {},
  ): Promise<IntegrationInstallEvent | undefined> => {
    let target: { session: Session; integration: SdkIntegration; state: SdkIntegrationState };
    try {
      const session = this.requireSession();
      const integration = this.activeIntegration(session, integrationType);
      const state = session.integrations[integrationType];
      if (!integration || !state) {
        this.logger.warn(
          `Switchboard SDK: connect("${integrationType}") does nothing: it is not an active integration of this project.`,
        );
        return Promise.resolve(undefined);
      }
      target = { session, integration, state };
    } catch (error) {
      return Promise.reject(error);
    }
    const promise = this.register(integrationType, options);
    try {
      this.checkSelectedCredential(integrationType, target.state, options.selectedCredentialId);
      this.openPortal(target.session, target.integration, options, options.theme ?? 'system', false);
    } catch (error) {
      this.fail(integrationType, error);
    }
    return promise;
  };

  /**
   * Connects an account without the portal: OAuth integrations in a popup opened right away (call it
   * from a click handler); integrations that need API keys or inputs open the portal just for those,
   * which closes once connected. Rejects when already installed, unless `allowMultipleCredentials`.
   */
  installIntegration = (
    integrationType: string,
    options: InstallIntegrationOptions = {},
  ): Promise<IntegrationInstallEvent> => {
    let session: Session;
    let integration: SdkIntegration;
    try {
      session = this.requireSession();
      const found = this.requireIntegration(session, integrationType);
      integration = found.integration;
      const selected = this.checkSelectedCredential(
        integrationType,
        found.state,
        options.selectedCredentialId,
      );
      const installed = selected ? selected.status === 'VALID' : found.state.enabled;
      if (installed && !options.allowMultipleCredentials)
        throw new Error(`Integration "${integrationType}" is already installed.`);
    } catch (error) {
      return Promise.reject(error);
    }
    this.closePortal();
    const promise = this.register(integrationType, options) as Promise<IntegrationInstallEvent>;
    const config = integration.sdkIntegrationConfig;
    const needsPortal =
      integration.authenticationType !== 'oauth' ||
      integration.needPreOauthInputs ||
      (config?.oauthInputs?.length ?? 0) > 0 ||
      ((config?.accountTypes?.length ?? 0) > 1 && !options.accountType);
    try {
      if (needsPortal) {
        this.openPortal(session, integration, options, 'system', true);
      } else {
        const win = this.requireWindow('installIntegration');
        runOAuthPopup({
          host: session.host,
          projectId: session.projectId,
          token: session.token,
          integrationId: integration.id,
          integrationType,
          installOptions: {
            isApiInstallation: true,
            allowMultipleCredentials: options.allowMultipleCredentials ?? false,
            ...(options.accountType ? { accountType: options.accountType } : {}),
            ...(options.selectedCredentialId ? { selectedCredentialId: options.selectedCredentialId } : {}),
          },
          ...(options.oauthTimeout ? { timeoutMs: options.oauthTimeout } : {}),
          window: win,
          fetch: this.fetchFn,
        }).then(
          (credentialId) => this.completeInstall(session, integration.id, integrationType, credentialId),
          (error: unknown) => this.fail(integrationType, error),
        );
      }
    } catch (error) {
      this.fail(integrationType, error);
    }
    return promise;
  };

  /** Static options for CUSTOM_DROPDOWN User Settings, merged into every later connect(). */
  setDataSources = (sources: DataSources): void => {
    this.dropdowns = { ...this.dropdowns, ...normalizeDropdowns(sources?.dropdowns) };
  };

  /** Closes the Connect Portal if it is open (emits onPortalClose when it was showing). */
  closePortal = (): void => {
    const modal = this.modal;
    this.modal = undefined;
    if (!modal || !this.portal) return;
    this.portal.frame.post({ type: 'switchboard:close' });
    this.portal.frame.hide();
    if (modal.open) this.emitFor(modal.integrationType, 'onPortalClose', this.portalEvent(modal));
  };

  /**
   * Sends an App Event for the user: every workflow with this App Event trigger that the user enabled
   * gets an execution. Resolves once the server stored the event.
   */
  event = (name: string, payload: unknown, options: CredentialSelection = {}): Promise<void> =>
    sendAppEvent(this.fetchFn, this.requireSession(), name, payload, options);

  /**
   * Runs a Request-triggered workflow with `{ body, query, headers }` and resolves with its Response
   * step's body (or `{ executionId, ... }` when it has none or did not answer in time).
   */
  workflow = (workflowId: string, options: WorkflowTriggerOptions = {}): Promise<unknown> =>
    triggerWorkflow(this.fetchFn, this.requireSession(), workflowId, options);

  /** Turns a workflow on for the user's current (or the selected) credential and configuration. */
  enableWorkflow = (workflowId: string, options: CredentialSelection = {}): Promise<void> =>
    this.setWorkflowEnabled(workflowId, true, options);

  /** Turns a workflow off for the user's current (or the selected) credential and configuration. */
  disableWorkflow = (workflowId: string, options: CredentialSelection = {}): Promise<void> =>
    this.setWorkflowEnabled(workflowId, false, options);

  /**
   * Turns several workflows on (true) or off (false), one after another, as enableWorkflow and
   * disableWorkflow do; a workflow that cannot change is reported in `errors` and the others still
   * change (wire protocol 5.13).
   */
  updateWorkflowState = async (
    states: Record<string, boolean>,
    options: CredentialSelection = {},
  ): Promise<{ user: ConnectUser; errors: Array<{ workflowId: string; message: string }> }> => {
    this.requireSession();
    const errors: Array<{ workflowId: string; message: string }> = [];
    for (const [workflowId, enabled] of Object.entries(states)) {
      try {
        await this.setWorkflowEnabled(workflowId, enabled, options);
      } catch (error) {
        errors.push({ workflowId, message: error instanceof Error ? error.message : String(error) });
      }
    }
    return { user: this.getUser(), errors };
  };

  /**
   * Merges `partialSettings` into the integration-level User Settings (`sharedSettings`) of the user's
   * current (or the selected) credential configuration, as the Connect Portal's settings form does
   * (wire protocol 5.16: the whole merged map is sent). Resolves with the reloaded user and the
   * server's `errors` (settings it could not accept).
   */
  updateIntegrationUserSettings = async (
    integrationType: string,
    partialSettings: Record<string, unknown>,
    options: CredentialSelection = {},
  ): Promise<UserSettingsUpdate> => {
    const session = this.requireSession();
    const { credential, configuration } = this.configurationOf(session, integrationType, options);
    const sharedSettings = { ...configuration.sharedSettings, ...partialSettings };
    return this.patchConfiguration(session, integrationType, credential.id, configuration.id, {
      sharedSettings,
    });
  };

  /**
   * Merges `partialSettings` into one workflow's User Settings of the user's current (or the selected)
   * configuration (wire protocol 5.17: the configuration's entire `workflowSettings` map is sent). The
   * workflow must already have an entry there (it was enabled once).
   */
  updateWorkflowUserSettings = async (
    integrationType: string,
    workflowId: string,
    partialSettings: Record<string, unknown>,
    options: CredentialSelection = {},
  ): Promise<UserSettingsUpdate> => {
    const session = this.requireSession();
    const { credential, configuration } = this.configurationOf(session, integrationType, options);
    const entry = configuration.workflowSettings?.[workflowId];
    if (!entry || typeof entry.settings !== 'object' || entry.settings === null)
      throw new Error(`Workflow with ID "${workflowId}" was not found in the current configuration.`);
    const workflowSettings = {
      ...configuration.workflowSettings,
      [workflowId]: { ...entry, settings: { ...entry.settings, ...partialSettings } },
    };
    return this.patchConfiguration(session, integrationType, credential.id, configuration.id, {
      workflowSettings,
    });
  };

  /** Listens to an SDK event; returns a function that stops listening. */
  subscribe = <K extends SdkEventName>(eventName: K, listener: SdkEventListener<K>): (() => boolean) =>
    this.events.subscribe(eventName, listener);

  /** Stops a listener; false when it was not subscribed. */
  unsubscribe = <K extends SdkEventName>(eventName: K, listener: SdkEventListener<K>): boolean =>
    this.events.unsubscribe(eventName, listener);

  getVersion = (): string => sdkVersion;

  /**
   * `new paragon.ExternalFilePicker(type, options)`: the file picker of Google Drive, OneDrive,
   * SharePoint, Box or Dropbox, signed in as the user's connected account (filePicker/externalFilePicker.ts).
   */
  ExternalFilePicker: ExternalFilePickerConstructor = externalFilePickerFor(() => ({
    auth: this.requireSession(),
    fetch: this.fetchFn,
    window: this.requireWindow('ExternalFilePicker'),
    logger: this.logger,
  }));

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

  /** The integration of that type if it is active and has a portal configuration. */
  private activeIntegration(session: Session, integrationType: string): SdkIntegration | undefined {
    return session.registry.find(
      (candidate) =>
        candidate.type === integrationType && candidate.isActive && (candidate.configs?.length ?? 0) > 0,
    );
  }

  private checkSelectedCredential(
    integrationType: string,
    state: SdkIntegrationState,
    selectedCredentialId: string | undefined,
  ): Credential | undefined {
    if (selectedCredentialId === undefined) return undefined;
    const selected = findCredential(state, selectedCredentialId);
    if (!selected) {
      throw new Error(
        `Credential with ID "${selectedCredentialId}" is not a valid ${integrationType} account.`,
      );
    }
    return selected;
  }

  private requireWindow(method: string): Window {
    const win = this.windowRef ?? (globalThis as { window?: Window }).window;
    if (!win?.document) throw new Error(`paragon.${method}() needs a browser window.`);
    return win;
  }

  /** Records the callbacks of a connect()/installIntegration() call, replacing the last one's. */
  private register(
    integrationType: string,
    callbacks: IntegrationCallbacks,
  ): Promise<IntegrationInstallEvent> {
    return new Promise((resolve, reject) => {
      const { onSuccess, onInstall, onError, onUninstall, onWorkflowChange, onOpen, onClose } = callbacks;
      this.pendingCalls.set(integrationType, {
        ...(onSuccess ? { onSuccess } : {}),
        ...(onInstall ? { onInstall } : {}),
        ...(onError ? { onError } : {}),
        ...(onUninstall ? { onUninstall } : {}),
        ...(onWorkflowChange ? { onWorkflowChange } : {}),
        ...(onOpen ? { onOpen } : {}),
        ...(onClose ? { onClose } : {}),
        resolve,
        reject,
      });
    });
  }

  private openPortal(
    session: Session,
    integration: SdkIntegration,
    options: ConnectOptions,
    theme: PortalTheme,
    closeAfterInstall: boolean,
  ): void {
    const win = this.requireWindow(closeAfterInstall ? 'installIntegration' : 'connect');
    if (this.modal) this.closePortal();
    const key = `${session.host} ${session.projectId}`;
    if (this.portal?.key !== key) {
      this.portal?.frame.destroy();
      this.portal = {
        key,
        frame: new PortalFrame(win, session.host, session.projectId, (message) =>
          this.onPortalMessage(message),
        ),
      };
    }
    const installOptions: PortalInstallOptions = {};
    if (options.accountType) installOptions.accountType = options.accountType;
    if (options.allowMultipleCredentials !== undefined)
      installOptions.allowMultipleCredentials = options.allowMultipleCredentials;
    if (options.selectedCredentialId) installOptions.selectedCredentialId = options.selectedCredentialId;
    const dropdowns = { ...this.dropdowns, ...normalizeDropdowns(options.dropdowns) };
    if (Object.keys(dropdowns).length > 0) installOptions.dropdowns = dropdowns;
    if (closeAfterInstall) installOptions.closeAfterInstall = true;
    this.modal = { integrationType: integration.type, integrationId: integration.id, open: false };
    this.portal.frame.post({
      type: 'switchboard:init',
      projectId: session.projectId,
      token: session.token,
      integrationType: integration.type,
      installOptions,
      theme,
    });
  }

  private portalEvent(modal: { integrationId: string; integrationType: string }) {
    return { integrationId: modal.integrationId, integrationType: modal.integrationType };
  }

  private onPortalMessage(message: PortalToSdkMessage): void {
    const session = this.session;
    if (!session) return;
    switch (message.type) {
      case 'switchboard:ready':
        return;
      case 'switchboard:opened': {
        const modal = this.modal;
        if (!modal || modal.integrationType !== message.integrationType || modal.open) return;
        modal.open = true;
        this.portal?.frame.show();
        this.emitFor(modal.integrationType, 'onPortalOpen', this.portalEvent(modal));
        return;
      }
      case 'switchboard:closed': {
        const modal = this.modal;
        if (!modal || modal.integrationType !== message.integrationType) return;
        this.modal = undefined;
        this.portal?.frame.hide();
        if (modal.open) this.emitFor(modal.integrationType, 'onPortalClose', this.portalEvent(modal));
        return;
      }
      case 'switchboard:installed':
        void this.completeInstall(
          session,
          message.integrationId,
          message.integrationType,
          message.credential.id,
          message.credential,
        );
        return;
      case 'switchboard:uninstalled':
        void this.refreshQuietly(session).then(() =>
          this.emitFor(message.integrationType, 'onIntegrationUninstall', {
            integrationId: message.integrationId,
            integrationType: message.integrationType,
          }),
        );
        return;
      case 'switchboard:workflow-change':
        void this.refreshQuietly(session).then(() =>
          this.emitFor(message.integrationType, 'onWorkflowChange', {
            integrationId: message.integrationId,
            workflowId: message.workflowId,
            workflowStateChange:
              message.workflowStateChange as WorkflowStateChangeEvent['workflowStateChange'],
          }),
        );
        return;
      case 'switchboard:settings-change':
        void this.refreshQuietly(session);
        return;
      case 'switchboard:error':
        this.fail(message.integrationType, new ConnectPortalError(message.message, message.code));
        return;
    }
  }

  private async refreshQuietly(session: Session): Promise<void> {
    try {
      await this.refresh(session);
    } catch (error) {
      this.logger.warn('Switchboard SDK: could not reload the user after a portal change', error);
    }
  }

  /** After a credential was created: reload the user, then onIntegrationInstall and the call's callbacks. */
  private async completeInstall(
    session: Session,
    integrationId: string,
    integrationType: string,
    credentialId: string,
    known?: Credential,
  ): Promise<void> {
    try {
      const credential =
        known ??
        ((await this.call(session, {
          method: 'GET',
          path: `/credentials/${encodeURIComponent(credentialId)}`,
        })) as Credential);
      await this.refreshQuietly(session);
      const event: IntegrationInstallEvent = { integrationId, integrationType, credentialId, credential };
      this.emitFor(integrationType, 'onIntegrationInstall', event, credential.status === 'VALID');
    } catch (error) {
      this.fail(integrationType, error);
    }
  }

  /**
   * Emits a global event, then the pending call's one-shot callback for it; an install also settles
   * that call's promise. `global: false` skips the global listeners (an install that is not VALID).
   */
  private emitFor<K extends SdkEventName>(
    integrationType: string,
    name: K,
    event: SdkEventMap[K],
    global = true,
  ): void {
    if (global) this.events.emit(name, event);
    const pending = this.pendingCalls.get(integrationType);
    if (!pending) return;
    const key = localCallback[name];
    const callback = (
      name === 'onIntegrationInstall' ? (pending.onInstall ?? pending.onSuccess) : pending[key]
    ) as ((event: SdkEventMap[K], user: ConnectUser) => void) | undefined;
    delete pending[key];
    if (name === 'onIntegrationInstall') delete pending.onSuccess;
    this.invoke(name, callback, structuredClone(event));
    if (name === 'onIntegrationInstall') pending.resolve(event as IntegrationInstallEvent);
  }

  /** onError of the pending call (once) and rejection of its promise. */
  private fail(integrationType: string, reason: unknown): void {
    const error = reason instanceof Error ? reason : new Error(String(reason));
    const pending = this.pendingCalls.get(integrationType);
    if (!pending) {
      this.logger.error(`Switchboard SDK: ${integrationType}: ${error.message}`);
      return;
    }
    const { onError } = pending;
    delete pending.onError;
    this.invoke('onError', onError, error);
    pending.reject(error);
  }

  private invoke<E>(name: string, callback: ((event: E, user: ConnectUser) => void) | undefined, event: E) {
    if (!callback) return;
    try {
      callback(event, this.getUser());
    } catch (error) {
      this.logger.error(`Switchboard SDK: the ${name} callback threw`, error);
    }
  }

  private configurationOf(session: Session, integrationType: string, options: CredentialSelection) {
    if (!integrationType) throw new Error('integrationType is required.');
    const state = session.integrations[integrationType];
    if (!state || state.allCredentials.length === 0)
      throw new Error(`Integration "${integrationType}" is not connected for this user.`);
    return resolveCredentialAndConfiguration(state, options);
  }

  /** PATCH /sdk/credentials/:id with `{ config }`, then reload the user (the server's state is the truth). */
  private async patchConfiguration(
    session: Session,
    integrationType: string,
    credentialId: string,
    configurationId: string,
    config: Record<string, unknown>,
  ): Promise<UserSettingsUpdate> {
    const answer = (await this.call(session, {
      method: 'PATCH',
      path: `/credentials/${encodeURIComponent(credentialId)}`,
      headers: { [selectedCredentialHeader]: credentialId, [selectedConfigurationHeader]: configurationId },
      body: { config },
    })) as { errors?: unknown } | undefined;
    if (!answer) throw new Error(`Failed to update settings for ${integrationType}.`);
    await this.refreshQuietly(session);
    const errors = Array.isArray(answer.errors) ? answer.errors.map(String) : [];
    const user = this.getUser();
    // Signed out meanwhile (another authenticate() or a 401 during the reload).
    if (!user.authenticated) throw new UserNotAuthenticatedError();
    return { ...user, userState: user, errors };
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

/**
 * What updateIntegrationUserSettings / updateWorkflowUserSettings resolve with: the reloaded user
 * (also as `userState`, the official client's name for it; never the User Token) and the settings
 * errors the server reported.
 */
export type UserSettingsUpdate = AuthenticatedConnectUser & {
  userState: AuthenticatedConnectUser;
  errors: string[];
};

export function createConnectClient(deps: ConnectClientDeps): ConnectClient {
  return new ConnectClient(deps);
}
