import type { IncomingHttpHeaders } from 'node:http';
import { readSingleParams } from './formParams';
import { sameSecret } from './sandboxSecrets';

/**
 * The one client the sandbox knows: Switchboard itself. Both values are public knowledge (a local
 * development app); the sandbox still checks them the way a real provider does.
 */
export const sandboxClient = { id: 'switchboard-sandbox', secret: 'sandbox-secret' } as const;

/** The scopes the sandbox grants, with what the consent page says about each. */
export const sandboxScopes: Readonly<Record<string, string>> = {
  'contacts.read': 'See your contacts',
  'contacts.write': 'Create, change and delete contacts',
};

export type ClientAuthentication =
  | { ok: true; clientId: string }
  | { ok: false; error: 'invalid_request' | 'invalid_client'; description: string };

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function decodeBasic(value: string): { id: string; secret: string } | undefined {
  let decoded: string;
  try {
    decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const part = (text: string) => decodeURIComponent(text.replaceAll('+', ' '));
    return { id: part(decoded.slice(0, colon)), secret: part(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/**
 * Authenticates the client of a token or revocation request: HTTP Basic (`client_secret_basic`) or
 * `client_id` + `client_secret` in the form body (`client_secret_post`), never both.
 */
export function authenticateSandboxClient(headers: IncomingHttpHeaders, body: unknown): ClientAuthentication {
  const { values, repeated } = readSingleParams(body, ['client_id', 'client_secret']);
  if (repeated) return { ok: false, error: 'invalid_request', description: `${repeated} is repeated.` };

  let given: { id: string; secret: string | undefined } | undefined;
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
    const basic = match?.[1] === undefined ? undefined : decodeBasic(match[1]);
    if (!basic) {
      return {
        ok: false,
        error: 'invalid_client',
        description: 'The Authorization header must be HTTP Basic with the client id and secret.',
      };
    }
    if (values.client_secret !== undefined) {
      return {
        ok: false,
        error: 'invalid_request',
        description: 'Send the client credentials either with HTTP Basic or in the body, not both.',
      };
    }
    if (values.client_id !== undefined && values.client_id !== basic.id) {
      return {
        ok: false,
        error: 'invalid_client',
        description: 'client_id differs from the Basic credentials.',
      };
    }
    given = basic;
  } else if (values.client_id !== undefined) {
    given = { id: values.client_id, secret: values.client_secret };
  }

  if (!given) {
    return {
      ok: false,
      error: 'invalid_client',
      description: 'Client authentication is required (HTTP Basic or client_id and client_secret).',
    };
  }
  if (given.id !== sandboxClient.id) {
    return { ok: false, error: 'invalid_client', description: `Unknown client "${given.id}".` };
  }
  if (given.secret === undefined || !sameSecret(given.secret, sandboxClient.secret)) {
    return { ok: false, error: 'invalid_client', description: 'The client secret is wrong.' };
  }
  return { ok: true, clientId: given.id };
}
