import type {
  Credential,
  CredentialConfiguration,
  MeResponse,
  SdkIntegration,
  SdkIntegrationState,
  WorkflowSettings,
} from '@switchboard/contracts';

/**
 * Test data in the exact wire shapes of @switchboard/contracts (wireFixtures.test.ts validates them
 * against the zod schemas, so these cannot drift from what the server answers).
 */

export const projectId = '908f4c5e-6394-46a5-9355-3f729edbd160';
export const personaId = '0563109f-5e71-46c5-8483-1ac8c0913d6c';
const date = '2024-03-02T00:22:33.166Z';

export const ids = {
  salesforce: '2f08e65f-d924-42ab-9618-b6023d82ffbd',
  slack: '95bedc9f-6a22-4855-b08d-e68dc073ad91',
  hubspot: '4c1d2f86-1f0e-4a53-9c39-3b0f5f1c1a10',
  notion: '7a5e3c1d-0b9f-4e2a-8c6d-5f4e3d2c1b0a',
  credentialA: '00da4146-7ac4-4253-a8f7-96849b8137d9',
  credentialB: '11da4146-7ac4-4253-a8f7-96849b8137d9',
  configurationA: '3ebcc179-a1a6-447f-8dc9-5017f40f08ef',
  configurationB: '4ebcc179-a1a6-447f-8dc9-5017f40f08ef',
  workflowSalesforce: '1b22193b-e355-458d-b6a3-5e5516edb588',
  workflowSlack: '2b22193b-e355-458d-b6a3-5e5516edb588',
  workflowEnabled: '3b22193b-e355-458d-b6a3-5e5516edb588',
} as const;

export function makeConfiguration(
  id: string,
  credentialId: string,
  workflowSettings: WorkflowSettings = {},
  isDefault = true,
): CredentialConfiguration {
  return {
    id,
    connectCredentialId: credentialId,
    workflowSettings,
    sharedSettings: {},
    configMeta: {},
    externalId: null,
    isDefault,
    dateCreated: date,
    dateUpdated: date,
  };
}

export function makeCredential(
  id: string,
  integrationId: string,
  configuration: CredentialConfiguration,
  overrides: Partial<Pick<Credential, 'status' | 'providerId' | 'externalId'>> = {},
): Credential {
  return {
    id,
    projectId,
    integrationId,
    personaId,
    isPreviewCredential: false,
    providerId: `provider-${id.slice(0, 4)}`,
    providerData: { instanceURL: 'https://example.my.salesforce.com' },
    status: 'VALID',
    externalId: null,
    refreshFailureCount: 0,
    dateCreated: date,
    dateUpdated: date,
    dateRefreshed: date,
    dateValidUntil: null,
    dateDeleted: null,
    configurations: [configuration],
    config: {
      configuredWorkflows: configuration.workflowSettings,
      sharedSettings: configuration.sharedSettings,
    },
    ...overrides,
  };
}

export function makeSdkIntegration(
  id: string,
  type: string,
  name: string,
  brandColor: string,
  options: { isActive?: boolean; icon?: string; workflowIds?: string[]; withConfig?: boolean } = {},
): SdkIntegration {
  const workflowIds = options.workflowIds ?? [];
  return {
    id,
    dateCreated: date,
    dateUpdated: date,
    projectId,
    customIntegrationId: null,
    customIntegration: null,
    type,
    isActive: options.isActive ?? true,
    configs:
      options.withConfig === false
        ? []
        : [
            {
              id: `${id.slice(0, -4)}c0f1`,
              integrationId: id,
              dateCreated: date,
              dateUpdated: date,
              values: {
                accentColor: brandColor,
                description: `Connect ${name}`,
                overview: `Our ${name} integration`,
                workflowMeta: Object.fromEntries(
                  workflowIds.map((workflowId) => [workflowId, { id: workflowId, inputs: [] }]),
                ),
                sharedMeta: { inputs: [] },
              },
            },
          ],
    workflows: workflowIds.map((workflowId) => ({
      id: workflowId,
      description: `Workflow ${workflowId.slice(0, 4)}`,
      projectId,
      integrationId: id,
      isOnboardingWorkflow: false,
      steps: [],
      dateCreated: date,
      dateUpdated: date,
    })),
    hasCredential: false,
    connectedUserLimitOnDevCred: 0,
    connectedUserLimitReached: false,
    name,
    brandColor,
    icon: options.icon ?? '',
    needPreOauthInputs: false,
    providerType: type,
    authenticationType: 'oauth',
    sdkIntegrationConfig: {
      oauthInputs: [],
      accountTypes: [],
      authConfigInputs: [],
      postOauthInputs: [],
      dataSources: {},
    },
  };
}

/** GET /sdk/integrations: two active integrations, one inactive, one without portal config. */
export function makeIntegrations(): SdkIntegration[] {
  return [
    makeSdkIntegration(ids.salesforce, 'salesforce', 'Salesforce', '#057ACF', {
      workflowIds: [ids.workflowSalesforce, ids.workflowEnabled],
    }),
    makeSdkIntegration(ids.slack, 'slack', 'Slack', '#4A154B', {
      icon: 'https://cdn.example.com/slack.svg',
      workflowIds: [ids.workflowSlack],
    }),
    makeSdkIntegration(ids.hubspot, 'hubspot', 'HubSpot', '#F67600', { isActive: false }),
    makeSdkIntegration(ids.notion, 'notion', 'Notion', '#000000', { withConfig: false }),
  ];
}

export function notConnected(): SdkIntegrationState {
  return {
    enabled: false,
    allCredentials: [],
    allConfigurations: [],
    workflowSettings: {},
    configuredWorkflows: {},
  };
}

/**
 * Salesforce connected twice: credential A (current, default configuration A, one workflow already
 * enabled) and credential B. Slack and HubSpot not connected.
 */
export function makeSalesforceState(): SdkIntegrationState {
  const configurationA = makeConfiguration(ids.configurationA, ids.credentialA, {
    [ids.workflowEnabled]: { enabled: true, settings: { channel: 'general' } },
  });
  const configurationB = makeConfiguration(ids.configurationB, ids.credentialB);
  const credentialA = makeCredential(ids.credentialA, ids.salesforce, configurationA, {
    externalId: 'acme-prod',
  });
  const credentialB = makeCredential(ids.credentialB, ids.salesforce, configurationB, {
    providerId: 'second',
  });
  return {
    enabled: true,
    credentialId: ids.credentialA,
    credentialConfigId: ids.configurationA,
    credentialStatus: 'VALID',
    providerId: credentialA.providerId,
    providerData: credentialA.providerData,
    allCredentials: [credentialA, credentialB],
    allConfigurations: [configurationA, configurationB],
    sharedSettings: {},
    workflowSettings: configurationA.workflowSettings,
    configuredWorkflows: configurationA.workflowSettings,
    externalId: null,
  };
}

export function makeMeResponse(userId = 'user-1'): MeResponse {
  return {
    authenticated: true,
    userId,
    integrations: { salesforce: makeSalesforceState(), slack: notConnected(), hubspot: notConnected() },
    meta: { Name: 'Ada Lovelace', plan: 'pro' },
    resources: [],
    project: { id: projectId, billingPlan: 'connect_enterprise', accessibleFeatures: ['headless-cp', 'dfm'] },
  };
}

function base64Url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** An unsigned-looking JWT: the SDK reads claims only, the (fake) server compares the whole string. */
export function makeUserToken(claims: Record<string, unknown>): string {
  return `${base64Url({ alg: 'RS256', typ: 'JWT' })}.${base64Url(claims)}.c2lnbmF0dXJl`;
}

export function futureExp(): number {
  return Math.floor(Date.now() / 1000) + 3600;
}
