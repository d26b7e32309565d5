import { createConnectClient } from './connectClient';

/**
 * The default client, as `paragon` (the official client's name) and `switchboard`: one object.
 * It uses the global `fetch` at call time and holds no state until configureGlobal() and
 * authenticate() are called.
 */
export const paragon = createConnectClient({ fetch: (url, init) => fetch(url, init) });
export const switchboard = paragon;

export {
  type AuthenticateOptions,
  ConnectClient,
  type ConnectClientDeps,
  ConnectPortalError,
  createConnectClient,
  UserNotAuthenticatedError,
  type UserSettingsUpdate,
} from './connectClient';
export type {
  ConnectOptions,
  DataSources,
  InstallIntegrationOptions,
  InstallOptions,
  IntegrationCallbacks,
} from './connectOptions';
export type {
  AuthenticatedConnectUser,
  ConnectUser,
  ParagonUser,
  SdkResource,
  UnauthenticatedConnectUser,
} from './connectUser';
export {
  ExternalFilePicker,
  type ExternalFilePickerConstructor,
  type FilePickerOptions,
} from './filePicker/externalFilePicker';
export type { PickedFile } from './filePicker/normalizeFile';
export type { FilePickerInitConfig } from './filePicker/pickerAdapter';
export type { CredentialSelection } from './integrationState';
export { OAuthBlockedError, OAuthFlowError, OAuthTimeoutError } from './oauthPopup';
export { ProxyRequestError, type ProxyRequestInit } from './proxyRequest';
export {
  type IntegrationInstallEvent,
  type IntegrationUninstallEvent,
  type PortalEvent,
  type SdkEventListener,
  type SdkEventMap,
  type SdkEventName,
  type SdkLogger,
  sdkEventNames,
  type WorkflowStateChangeEvent,
} from './sdkEvents';
export {
  ConnectRequestError,
  type FetchLike,
  sdkVersionHeader,
  selectedConfigurationHeader,
  selectedCredentialHeader,
} from './sdkHttp';
export { sdkVersion } from './sdkVersion';
export { stillRunningStatus, type WorkflowTriggerOptions } from './workflowTriggers';
