import type { ConnectInput, SdkIntegration, WorkflowSummary } from '@switchboard/contracts';
import type { IntegrationRow } from '@switchboard/db';
import type { CatalogEntryView } from '../catalogView';

/** An active integration as `GET /sdk/integrations` lists it (the seed's example shape). */
export function presentSdkIntegration(input: {
  row: IntegrationRow;
  entry: CatalogEntryView;
  workflows: Array<WorkflowSummary & { inputs: ConnectInput[] }>;
  origin: string;
  hasCredential: boolean;
}): SdkIntegration {
  const { row, entry, workflows } = input;
  const dateCreated = row.createdAt.toISOString();
  const dateUpdated = row.updatedAt.toISOString();
  return {
    id: row.id,
    dateCreated,
    dateUpdated,
    projectId: row.projectId,
    customIntegrationId: null,
    customIntegration: null,
    type: row.type,
    isActive: row.isActive,
    configs: [
      {
        // The portal configuration is one per integration; it shares the integration's id space.
        id: row.id,
        integrationId: row.id,
        dateCreated,
        dateUpdated,
        values: {
          accentColor: row.portalConfig.accentColor ?? entry.brandColor,
          description: row.portalConfig.description ?? entry.description,
          overview: row.portalConfig.overview ?? entry.overview,
          // The official client finds a workflow's integration by key in workflowMeta (wire protocol 12.4).
          workflowMeta: Object.fromEntries(
            workflows.map((w) => [w.id, { id: w.id, description: w.description, inputs: w.inputs }]),
          ),
          sharedMeta: { inputs: (row.portalConfig.userSettings ?? []) as unknown as ConnectInput[] },
        },
      },
    ],
    workflows: workflows.map(({ inputs: _inputs, ...summary }) => summary),
    hasCredential: input.hasCredential,
    connectedUserLimitOnDevCred: 0,
    connectedUserLimitReached: false,
    name: entry.name,
    brandColor: entry.brandColor,
    icon: `${input.origin}/integrations/${entry.type}.svg`,
    needPreOauthInputs: entry.needPreOauthInputs,
    providerType: entry.type,
    authenticationType: entry.authenticationType,
    sdkIntegrationConfig: {
      // Pre-OAuth inputs (needPreOauthInputs) and API-key fields, as the official client reads them.
      oauthInputs: entry.authenticationType === 'oauth' ? entry.installInputs : [],
      // build-oauth takes the chosen id in installOptions.accountType and uses that type's URLs.
      accountTypes: entry.accountTypes.map((t) => ({
        id: t.id,
        scheme: 'oauth',
        accountDescription: t.description,
      })),
      authConfigInputs: entry.authenticationType === 'basic' ? entry.installInputs : [],
      // Asked after the OAuth popup; the credential stays PENDING until complete-setup stores them.
      postOauthInputs: entry.authenticationType === 'oauth' ? entry.postOauthInputs : [],
      dataSources: {},
    },
  };
}
