import type { Credential, CredentialConfiguration, MeResponse, SdkIntegration } from '@switchboard/contracts';

/** A workflow the portal lists: deployed, in the portal configuration, and not hidden. */
export type PortalWorkflow = {
  id: string;
  description: string;
  inputs: NonNullable<SdkIntegration['configs'][number]['values']['workflowMeta'][string]['inputs']>;
};

/** The credential a selector names (id, or `ext:`-prefixed / bare externalId). */
export function findCredential(
  credentials: Credential[],
  selector: string | undefined,
): Credential | undefined {
  if (!selector) return undefined;
  const byId = credentials.find((credential) => credential.id === selector);
  if (byId) return byId;
  const externalId = selector.startsWith('ext:') ? selector.slice(4) : selector;
  return credentials.find((credential) => credential.externalId === externalId);
}

/** The user's credentials of this integration, VALID ones first (newest order kept otherwise). */
export function credentialsOf(me: MeResponse, integrationType: string): Credential[] {
  const all = me.integrations[integrationType]?.allCredentials ?? [];
  return [...all].sort((a, b) => Number(b.status === 'VALID') - Number(a.status === 'VALID'));
}

/** Which credential the portal shows: the selected one, else the user's current one, else the first. */
export function pickCredential(
  me: MeResponse,
  integrationType: string,
  selector: string | undefined,
): Credential | undefined {
  const credentials = credentialsOf(me, integrationType);
  return (
    findCredential(credentials, selector) ??
    findCredential(credentials, me.integrations[integrationType]?.credentialId) ??
    credentials[0]
  );
}

export function defaultConfiguration(credential: Credential): CredentialConfiguration | undefined {
  return (
    credential.configurations.find((configuration) => configuration.isDefault) ?? credential.configurations[0]
  );
}

export function workflowsOf(integration: SdkIntegration): PortalWorkflow[] {
  const meta = integration.configs[0]?.values.workflowMeta ?? {};
  return integration.workflows.flatMap((workflow) => {
    const entry = meta[workflow.id];
    if (!entry || entry.hidden) return [];
    return [
      { id: workflow.id, description: entry.description || workflow.description, inputs: entry.inputs ?? [] },
    ];
  });
}

/** A short name for a connected account: a name-like provider field, else the provider's id. */
export function accountLabel(credential: Credential): string {
  const data = credential.providerData;
  for (const key of ['name', 'teamName', 'workspace', 'email', 'accountName', 'shop', 'instanceURL']) {
    const value = data[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return credential.providerId ?? `Account ${credential.id.slice(0, 8)}`;
}
