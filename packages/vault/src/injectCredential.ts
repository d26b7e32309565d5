import { type IntegrationDefinition, renderTemplate } from '@switchboard/catalog';

/** Values the injection templates refer to: `accessToken` for OAuth entries, the field ids for API keys. */
export type CredentialSecrets = Readonly<Record<string, string>>;

/* biome-ignore lint/suspicious/noControlCharactersInRegex: a header value must not hold CR, LF or NUL */
const headerBreaking = /[\r\n\u0000]/;

/**
 * The request headers that carry a credential, per `auth.injection`: a header template (e.g.
 * `Authorization: Bearer {{accessToken}}`) or HTTP Basic (RFC 7617: `base64(username:password)`, UTF-8,
 * no further encoding). Used for identity and verification requests, token revocation and the proxy.
 */
export function injectCredential(
  definition: IntegrationDefinition,
  secrets: CredentialSecrets,
): Record<string, string> {
  const { injection } = definition.auth;
  // renderTemplate names the missing placeholder, never a value.
  const render = (template: string): string => {
    const value = renderTemplate(template, secrets);
    if (headerBreaking.test(value)) {
      throw new Error(`The credential for "${definition.type}" holds a line break and cannot be sent`);
    }
    return value;
  };
  if (injection.type === 'header') return { [injection.name]: render(injection.value) };
  const pair = `${render(injection.username)}:${render(injection.password)}`;
  return { Authorization: `Basic ${Buffer.from(pair, 'utf8').toString('base64')}` };
}
