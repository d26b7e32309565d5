import type { IntegrationDefinition } from '@switchboard/catalog';
import { AppError } from '@switchboard/contracts';
import { assertValidInputs } from './assertValidInputs';
import { injectCredential } from './injectCredential';
import type { TemplateValues } from './renderUrlTemplate';
import { type AccountInfo, readAccount } from './resolveAccount';
import { resolveRequestUrl } from './resolveRequestUrl';
import { type Fetch, sendProviderRequest } from './sendProviderRequest';

export type VerifyApiKeyOptions = {
  definition: IntegrationDefinition;
  /** What the user entered, by field id (secret and non-secret fields). */
  fields: Readonly<Record<string, string>>;
  templateValues: TemplateValues;
  fetch: Fetch;
  /** Default 10 000 ms. */
  timeoutMs?: number | undefined;
};

/**
 * Checks pasted credentials before they are saved: the entry's verification request, sent with the
 * fields injected as API calls send them, must answer 2xx. 401/403 means the provider refused the key
 * (API_KEY_REJECTED, a 400 the user can fix). The verification response is the `{ identity }` document
 * for providerId/providerData.
 */
export async function verifyApiKey(options: VerifyApiKeyOptions): Promise<AccountInfo> {
  const { definition } = options;
  const { auth } = definition;
  if (auth.type !== 'apiKey') {
    throw new Error(`"${definition.type}" is an OAuth integration; it has no API key to verify`);
  }
  assertValidInputs(auth.fields, options.fields, { requireAll: true });

  const secrets: Record<string, string> = {};
  const publicValues: Record<string, string> = {};
  for (const field of auth.fields) {
    const value = options.fields[field.id] ?? '';
    secrets[field.id] = value;
    if (!field.secret && value !== '') publicValues[field.id] = value;
  }
  // Non-secret fields may appear in URLs (a subdomain); secret ones never do (the catalog forbids it).
  const templateValues = { ...publicValues, ...options.templateValues };
  const url = resolveRequestUrl(definition, auth.verification.url, { templateValues });

  const purpose = 'API key check';
  const response = await sendProviderRequest({
    fetch: options.fetch,
    url,
    method: auth.verification.method,
    headers: { Accept: 'application/json', ...injectCredential(definition, secrets) },
    timeoutMs: options.timeoutMs,
    providerName: definition.name,
    purpose,
  });
  if (response.status === 401 || response.status === 403) {
    throw new AppError(
      'API_KEY_REJECTED',
      400,
      `${definition.name} refused the API key (HTTP ${response.status}). Check that it is complete, active and allowed to read the account, then try again.`,
    );
  }
  if (response.status < 200 || response.status >= 300) {
    throw new AppError(
      'OAUTH_BAD_RESPONSE',
      502,
      `${definition.name} answered HTTP ${response.status} to the ${purpose}; try again later.`,
    );
  }
  return readAccount(definition, { templateValues, identity: response.body });
}
