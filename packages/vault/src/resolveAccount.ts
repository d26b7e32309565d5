import { type IntegrationDefinition, readJsonPath, type ValueSource } from '@switchboard/catalog';
import { AppError } from '@switchboard/contracts';
import { injectCredential } from './injectCredential';
import type { TemplateValues } from './renderUrlTemplate';
import { resolveRequestUrl } from './resolveRequestUrl';
import { type Fetch, sendProviderRequest } from './sendProviderRequest';
import type { TokenSet } from './tokenSet';

export type ProviderDataValue = string | number | boolean;

/** Who the connected account is at the provider (Credential.providerId / providerData, wire protocol 12.2). */
export type AccountInfo = {
  providerId: string | null;
  providerData: Record<string, ProviderDataValue>;
};

/** Where account facts are read from; a source whose document is missing reads as absent. */
export type AccountSources = {
  tokenResponse?: unknown;
  templateValues: TemplateValues;
  /** The identity response (account.request, or an API key's verification response). */
  identity?: unknown;
};

function readSource(source: ValueSource, sources: AccountSources): unknown {
  if ('token' in source) return readJsonPath(sources.tokenResponse, source.token);
  if ('input' in source) return sources.templateValues[source.input];
  return readJsonPath(sources.identity, source.identity);
}

function isProviderDataValue(value: unknown): value is ProviderDataValue {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/** Reads providerId and providerData from already-fetched documents (no I/O). */
export function readAccount(definition: IntegrationDefinition, sources: AccountSources): AccountInfo {
  const { account } = definition;
  let providerId: string | null = null;
  if (account.providerId) {
    const value = readSource(account.providerId, sources);
    // Numeric ids (HubSpot hub_id) are stored as strings; objects, null and booleans are not ids.
    if (
      (typeof value === 'string' && value !== '') ||
      (typeof value === 'number' && Number.isFinite(value))
    ) {
      providerId = String(value);
    }
  }
  const providerData: Record<string, ProviderDataValue> = {};
  for (const [key, source] of Object.entries(account.providerData)) {
    const value = readSource(source, sources);
    // Only scalars are allowed on the wire; anything else is dropped rather than stringified.
    if (isProviderDataValue(value)) providerData[key] = value;
  }
  return { providerId, providerData };
}

function usesIdentity(definition: IntegrationDefinition): boolean {
  const { account } = definition;
  const all = [account.providerId, ...Object.values(account.providerData)];
  return all.some((source) => source !== undefined && 'identity' in source);
}

export type ResolveAccountOptions = {
  definition: IntegrationDefinition;
  tokenSet: TokenSet;
  templateValues: TemplateValues;
  fetch: Fetch;
  /** Default 10 000 ms. */
  timeoutMs?: number | undefined;
};

/**
 * Fills providerId/providerData after an OAuth connect (and after each refresh for `{ token }` sources):
 * from the token response, the inputs, and, when the entry declares `account.request`, one identity
 * request made with the new access token.
 */
export async function resolveAccount(options: ResolveAccountOptions): Promise<AccountInfo> {
  const { definition, tokenSet, templateValues } = options;
  const known = readAccount(definition, { tokenResponse: tokenSet.tokenResponse, templateValues });
  const { request } = definition.account;
  if (!request || !usesIdentity(definition)) return known;

  // A relative URL may hang off a base URL that the token response just told us (Salesforce).
  const url = resolveRequestUrl(definition, request.url, {
    templateValues,
    providerData: known.providerData,
  });
  const purpose = 'account identity request';
  const response = await sendProviderRequest({
    fetch: options.fetch,
    url,
    method: request.method,
    headers: {
      Accept: 'application/json',
      ...injectCredential(definition, { accessToken: tokenSet.accessToken }),
    },
    timeoutMs: options.timeoutMs,
    providerName: definition.name,
    purpose,
  });
  if (response.status < 200 || response.status >= 300) {
    const refused = response.status === 401 || response.status === 403;
    throw new AppError(
      'OAUTH_BAD_RESPONSE',
      502,
      refused
        ? `${definition.name} refused the new access token on the ${purpose} (HTTP ${response.status}); check the granted scopes.`
        : `${definition.name} answered HTTP ${response.status} to the ${purpose}.`,
    );
  }
  if (response.body === undefined) {
    throw new AppError('OAUTH_BAD_RESPONSE', 502, `${definition.name} sent no JSON to the ${purpose}.`);
  }
  return readAccount(definition, {
    tokenResponse: tokenSet.tokenResponse,
    templateValues,
    identity: response.body,
  });
}
