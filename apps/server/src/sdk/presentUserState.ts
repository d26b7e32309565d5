import type { MeResponse, SdkIntegrationState } from '@switchboard/contracts';
import { connectAddOns } from '@switchboard/contracts';
import type { CredentialWithConfigurations, IntegrationRow, JsonObject } from '@switchboard/db';
import { defaultConfigurationOf, presentConfiguration, presentCredential } from './presentCredential';

/**
 * The current credential of an integration: the newest VALID one, else the newest of any status.
 * `credentials` arrive oldest first.
 */
export function currentCredentialOf<C extends { status: string }>(credentials: C[]): C | undefined {
  const newestFirst = [...credentials].reverse();
  return newestFirst.find((c) => c.status === 'VALID') ?? newestFirst[0];
}

function presentIntegrationState(credentials: CredentialWithConfigurations[]): SdkIntegrationState {
  const allCredentials = credentials.map(presentCredential);
  const allConfigurations = credentials.flatMap((c) => c.configurations.map(presentConfiguration));
  const current = currentCredentialOf(credentials);
  if (!current) {
    return {
      enabled: false,
      allCredentials,
      allConfigurations,
      workflowSettings: {},
      configuredWorkflows: {},
    };
  }
  const configuration = defaultConfigurationOf(current);
  return {
    enabled: current.status === 'VALID',
    credentialId: current.id,
    credentialConfigId: configuration.id,
    credentialStatus: current.status,
    providerId: current.providerId,
    providerData: current.providerData,
    allCredentials,
    allConfigurations,
    sharedSettings: configuration.sharedSettings,
    workflowSettings: configuration.workflowSettings,
    configuredWorkflows: configuration.workflowSettings,
    externalId: configuration.externalId,
  };
}

/** `GET /sdk/me`: one entry per active integration — the official client needs it even when unconnected. */
export function presentUserState(input: {
  projectId: string;
  userId: string;
  meta: JsonObject;
  integrations: IntegrationRow[];
  credentials: CredentialWithConfigurations[];
}): MeResponse {
  const integrations: Record<string, SdkIntegrationState> = {};
  for (const integration of input.integrations) {
    integrations[integration.type] = presentIntegrationState(
      input.credentials.filter((c) => c.integrationId === integration.id),
    );
  }
  return {
    authenticated: true,
    userId: input.userId,
    integrations,
    meta: input.meta,
    resources: [],
    project: {
      id: input.projectId,
      billingPlan: 'connect_enterprise',
      accessibleFeatures: [...connectAddOns],
    },
  };
}
