import { type FetchLike, type SdkRequest, sendSdkRequest } from '@switchboard/connect/sdkHttp';
import type {
  Credential,
  MeResponse,
  PortalInstallOptions,
  SdkIntegration,
  SettingsMap,
  WorkflowSettings,
} from '@switchboard/contracts';

const credentialHeader = 'X-Paragon-Credential';
const configurationHeader = 'X-Paragon-Configuration-Id';

export type PortalAuth = { host: string; projectId: string; token: string };

/**
 * The SDK API as the portal calls it: same origin as the portal, with the Connected User's token and
 * the official client's headers (wire protocol 3.2). Errors are ConnectRequestError with the server's
 * `message` and `code`.
 */
export function createPortalApi(auth: PortalAuth, fetchFn: FetchLike = (url, init) => fetch(url, init)) {
  const send = <T>(request: SdkRequest) => sendSdkRequest(fetchFn, auth, request) as Promise<T>;
  const selection = (credentialId: string, configurationId: string) => ({
    [credentialHeader]: credentialId,
    [configurationHeader]: configurationId,
  });
  return {
    auth,
    me: () => send<MeResponse>({ method: 'GET', path: '/me' }),
    integrations: () => send<SdkIntegration[]>({ method: 'GET', path: '/integrations' }),
    credential: (credentialId: string) =>
      send<Credential>({ method: 'GET', path: `/credentials/${encodeURIComponent(credentialId)}` }),
    /** API-key (basic) install: the server verifies the fields with the provider, then stores them. */
    createCredential: (
      integrationId: string,
      payload: Record<string, unknown>,
      installOptions: PortalInstallOptions,
    ) =>
      send<Credential>({
        method: 'POST',
        path: '/credentials',
        body: { integrationId, payload, installOptions: withoutDropdowns(installOptions) },
      }),
    /** Post-OAuth inputs (wire protocol 7.3): stores them; a PENDING credential becomes VALID. */
    completeSetup: (credentialId: string, integrationId: string, payload: Record<string, unknown>) =>
      send<Credential>({
        method: 'POST',
        path: `/credentials/${encodeURIComponent(credentialId)}/complete-setup`,
        body: { integrationId, config: {}, payload },
      }),
    setWorkflowEnabled: (
      workflowId: string,
      enabled: boolean,
      credentialId: string,
      configurationId: string,
    ) =>
      send<Credential>({
        method: enabled ? 'POST' : 'DELETE',
        path: `/workflows/${encodeURIComponent(workflowId)}`,
        headers: selection(credentialId, configurationId),
      }),
    saveSharedSettings: (credentialId: string, configurationId: string, sharedSettings: SettingsMap) =>
      send<Credential>({
        method: 'PATCH',
        path: `/credentials/${encodeURIComponent(credentialId)}`,
        headers: selection(credentialId, configurationId),
        body: { config: { sharedSettings } },
      }),
    saveWorkflowSettings: (
      credentialId: string,
      configurationId: string,
      workflowSettings: WorkflowSettings,
    ) =>
      send<Credential>({
        method: 'PATCH',
        path: `/credentials/${encodeURIComponent(credentialId)}`,
        headers: selection(credentialId, configurationId),
        body: { config: { workflowSettings } },
      }),
    uninstall: (integrationId: string, credentialId: string) =>
      send<unknown>({
        method: 'DELETE',
        path: `/integrations/${encodeURIComponent(integrationId)}`,
        headers: { [credentialHeader]: credentialId },
      }),
  };
}

export type PortalApi = ReturnType<typeof createPortalApi>;

/** Install options as the server takes them (dropdown options are the portal's business only). */
function withoutDropdowns(
  options: PortalInstallOptions,
): Omit<PortalInstallOptions, 'dropdowns' | 'closeAfterInstall'> {
  const { dropdowns: _dropdowns, closeAfterInstall: _close, ...rest } = options;
  return rest;
}
