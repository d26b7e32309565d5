import type { IntegrationDefinition } from '@switchboard/catalog';
import { assertValidInputs } from './assertValidInputs';
import { oauthEndpoints } from './oauthEndpoints';
import { renderUrlTemplate, type TemplateValues } from './renderUrlTemplate';

export type BuildAuthorizationUrlOptions = {
  definition: IntegrationDefinition;
  accountType?: string | undefined;
  clientId: string;
  /** The scopes to ask for (the entry's defaults or the project's override). */
  scopes: readonly string[];
  redirectUri: string;
  state: string;
  /** S256 challenge; sent only when the entry uses PKCE. */
  codeChallenge?: string | undefined;
  templateValues: TemplateValues;
};

/**
 * The URL the Connected User's browser is sent to (RFC 6749 §4.1.1, RFC 7636 §4.3). Every pre-OAuth
 * input is validated first (INSTALL_INPUT_INVALID names the input) because inputs pick the host.
 */
export function buildAuthorizationUrl(options: BuildAuthorizationUrlOptions): string {
  const { definition, templateValues } = options;
  const { auth, authorizationUrl } = oauthEndpoints(definition, options.accountType);
  assertValidInputs(
    auth.inputs.filter((input) => !input.secret),
    templateValues,
    { requireAll: true },
  );
  const url = renderUrlTemplate(definition, authorizationUrl, templateValues);
  const params = url.searchParams;
  params.set('response_type', 'code');
  params.set('client_id', options.clientId);
  params.set('redirect_uri', options.redirectUri);
  if (options.scopes.length > 0) params.set('scope', options.scopes.join(auth.scopeSeparator));
  params.set('state', options.state);
  if (auth.pkce && options.codeChallenge !== undefined) {
    params.set('code_challenge', options.codeChallenge);
    params.set('code_challenge_method', 'S256');
  }
  for (const [name, value] of Object.entries(auth.authorizationParams)) params.set(name, value);
  return url.href;
}
