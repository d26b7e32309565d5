import type {
  Credential,
  CredentialConfiguration,
  SdkIntegrationState,
  WorkflowSettings,
} from '@switchboard/contracts';

/**
 * Pure helpers over one `getUser().integrations[type]` entry. Each returns a new state rather than
 * mutating, so a snapshot handed out earlier never changes under its holder.
 */

export type CredentialSelection = { selectedCredentialId?: string; selectedConfigurationId?: string };

/** Fills what the official client computes itself when a server leaves it out. */
export function normalizeIntegrationStates(
  integrations: Record<string, SdkIntegrationState>,
): Record<string, SdkIntegrationState> {
  const normalized: Record<string, SdkIntegrationState> = {};
  for (const [type, state] of Object.entries(integrations)) {
    const allCredentials = state.allCredentials ?? [];
    const workflowSettings = state.workflowSettings ?? { ...state.configuredWorkflows };
    normalized[type] = {
      ...state,
      allCredentials,
      allConfigurations:
        state.allConfigurations ?? allCredentials.flatMap((credential) => credential.configurations ?? []),
      workflowSettings,
      configuredWorkflows: state.configuredWorkflows ?? { ...workflowSettings },
    };
  }
  return normalized;
}

/**
 * A credential by id, or by externalId (optionally prefixed `ext:`). Unlike the official client the id
 * is tried first whatever its form, so ids need not be UUID v1–v5.
 */
export function findCredential(state: SdkIntegrationState, selector: string): Credential | undefined {
  const byId = state.allCredentials.find((credential) => credential.id === selector);
  if (byId) return byId;
  const externalId = (selector.startsWith('ext:') ? selector.slice(4) : selector).trim();
  return state.allCredentials.find((credential) => credential.externalId === externalId);
}

function findConfiguration(
  state: SdkIntegrationState,
  selector: string,
): CredentialConfiguration | undefined {
  const byId = state.allConfigurations.find((configuration) => configuration.id === selector);
  if (byId) return byId;
  const externalId = (selector.startsWith('ext:') ? selector.slice(4) : selector).trim();
  const matches = state.allConfigurations.filter((configuration) => configuration.externalId === externalId);
  if (matches.length > 1)
    throw new Error(`Multiple credential configurations found for provided id: ${selector}.`);
  return matches[0];
}

function defaultConfiguration(
  state: SdkIntegrationState,
  credential: Credential,
): CredentialConfiguration | undefined {
  const own = (configuration: CredentialConfiguration) => configuration.connectCredentialId === credential.id;
  return (
    state.allConfigurations.find((configuration) => own(configuration) && configuration.isDefault) ??
    credential.configurations?.find((configuration) => configuration.isDefault)
  );
}

/** The credential and configuration an operation applies to: the selected ones, else the current ones. */
export function resolveCredentialAndConfiguration(
  state: SdkIntegrationState,
  selection: CredentialSelection,
): { credential: Credential; configuration: CredentialConfiguration } {
  const { selectedCredentialId, selectedConfigurationId } = selection;
  if (selectedConfigurationId !== undefined) {
    const configuration = findConfiguration(state, selectedConfigurationId);
    if (!configuration) {
      throw new Error(`Credential configuration not found for provided id: ${selectedConfigurationId}.`);
    }
    if (selectedCredentialId !== undefined) {
      const selected = findCredential(state, selectedCredentialId);
      if (!selected) throw new Error(`Credential not found for provided id: ${selectedCredentialId}.`);
      if (selected.id !== configuration.connectCredentialId) {
        throw new Error(
          'Provided "selectedCredentialId" does not belong to provided "selectedConfigurationId".',
        );
      }
    }
    const credential = state.allCredentials.find((item) => item.id === configuration.connectCredentialId);
    if (!credential) throw new Error('Unable to find credential for provided options.');
    return { credential, configuration };
  }
  const credential =
    selectedCredentialId !== undefined
      ? findCredential(state, selectedCredentialId)
      : state.allCredentials.find((item) => item.id === state.credentialId);
  if (!credential) {
    throw new Error(
      selectedCredentialId !== undefined
        ? `Credential not found for provided id: ${selectedCredentialId}.`
        : 'Unable to find credential for provided options.',
    );
  }
  const current =
    selectedCredentialId === undefined
      ? state.allConfigurations.find((item) => item.id === state.credentialConfigId)
      : undefined;
  const configuration = current ?? defaultConfiguration(state, credential);
  if (!configuration) throw new Error(`Credential configuration not found for credential: ${credential.id}.`);
  return { credential, configuration };
}

/** State after DELETE /sdk/integrations/:id of one credential (wire protocol 5.7). */
export function withoutCredential(state: SdkIntegrationState, credentialId: string): SdkIntegrationState {
  const allCredentials = state.allCredentials.filter((credential) => credential.id !== credentialId);
  const allConfigurations = state.allConfigurations.filter(
    (configuration) => configuration.connectCredentialId !== credentialId,
  );
  const [next] = allCredentials;
  if (!next) {
    return {
      enabled: false,
      workflowSettings: {},
      configuredWorkflows: {},
      allCredentials,
      allConfigurations,
    };
  }
  if (state.credentialId !== credentialId) return { ...state, allCredentials, allConfigurations };
  const configuration = defaultConfiguration({ ...state, allConfigurations }, next);
  const workflowSettings = configuration?.workflowSettings ?? {};
  return {
    enabled: next.status === 'VALID',
    credentialId: next.id,
    credentialStatus: next.status,
    providerId: next.providerId,
    providerData: next.providerData,
    ...(configuration
      ? {
          credentialConfigId: configuration.id,
          sharedSettings: configuration.sharedSettings,
          externalId: configuration.externalId,
        }
      : {}),
    allCredentials,
    allConfigurations,
    workflowSettings,
    configuredWorkflows: { ...workflowSettings },
  };
}

/** State after enabling/disabling a workflow for one configuration (wire protocol 5.11/5.12). */
export function withWorkflowEnabled(
  state: SdkIntegrationState,
  configurationId: string,
  workflowId: string,
  enabled: boolean,
): SdkIntegrationState {
  const update = (settings: WorkflowSettings | undefined): WorkflowSettings => ({
    ...settings,
    [workflowId]: { settings: {}, ...settings?.[workflowId], enabled },
  });
  const updateConfiguration = (configuration: CredentialConfiguration): CredentialConfiguration =>
    configuration.id === configurationId
      ? { ...configuration, workflowSettings: update(configuration.workflowSettings) }
      : configuration;
  const next: SdkIntegrationState = {
    ...state,
    allConfigurations: state.allConfigurations.map(updateConfiguration),
    allCredentials: state.allCredentials.map((credential) => {
      const target = credential.configurations?.find((configuration) => configuration.id === configurationId);
      if (!target) return credential;
      return {
        ...credential,
        configurations: credential.configurations.map(updateConfiguration),
        ...(target.isDefault && credential.config
          ? {
              config: {
                ...credential.config,
                configuredWorkflows: update(credential.config.configuredWorkflows),
              },
            }
          : {}),
      };
    }),
  };
  if (state.credentialConfigId === configurationId) {
    next.workflowSettings = update(state.workflowSettings);
    next.configuredWorkflows = update(state.configuredWorkflows);
  }
  return next;
}
