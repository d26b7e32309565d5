import { randomUUID } from 'node:crypto';
import {
  consumeSandboxAuthorizationRequest,
  deleteExpiredSandboxAuthorizations,
  findPendingSandboxAuthorizationRequest,
  insertSandboxAuthorizationCode,
  insertSandboxAuthorizationRequest,
  type SandboxAuthorizationRequestRow,
  upsertSandboxAccount,
} from '@switchboard/db';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { readSingleParams } from './formParams';
import { defaultSandboxAccountName, sandboxAccountIdentity } from './sandboxAccountIdentity';
import { sandboxClient, sandboxScopes } from './sandboxClient';
import { renderConsentPage, renderErrorPage, sandboxPageHeaders } from './sandboxPages';
import type { SandboxContext } from './sandboxRoutes';
import { hashSandboxSecret, isPkceValue, newSandboxSecret } from './sandboxSecrets';

/** How long the consent page may stay open, and how long a code lives (RFC 6749 §4.1.2: short). */
const consentTtlMs = 10 * 60_000;
const codeTtlMs = 60_000;
/** Expired requests and codes are kept this long (so a replayed code is still recognised), then dropped. */
const retentionMs = 24 * 3600_000;

/** A redirect_uri the sandbox may send the browser to: any absolute http(s) URL (it is a dev app). */
function redirectUriProblem(value: string): string | undefined {
  const url = URL.parse(value);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return 'redirect_uri must be an absolute http(s) URL.';
  }
  if (url.username !== '' || url.password !== '') return 'redirect_uri must not contain credentials.';
  if (value.includes('#')) return 'redirect_uri must not contain a #fragment (RFC 6749 §3.1.2).';
  if (value.length > 2000) return 'redirect_uri is too long.';
  return undefined;
}

/** RFC 6749 §4.1.2 / §4.1.2.1: the answer travels as query parameters on the client's redirect URI. */
function redirectTo(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url.href;
}

function errorPage(reply: FastifyReply, heading: string, message: string) {
  return reply.status(400).headers(sandboxPageHeaders).send(renderErrorPage(heading, message));
}

const authorizationParams = [
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
] as const;

export function sandboxAuthorizeRoutes(context: SandboxContext): FastifyPluginAsyncZod {
  const { db } = context;
  return async (app) => {
    app.get(
      '/sandbox/oauth/authorize',
      {
        schema: {
          tags: ['Sandbox'],
          summary: 'Sandbox provider: OAuth 2.0 authorization request (HTML consent page)',
          description:
            'Standard authorization request (RFC 6749 §4.1.1) with PKCE S256 required. Client `switchboard-sandbox`.',
        },
      },
      async (request, reply) => {
        const { values, repeated } = readSingleParams(request.query, authorizationParams);
        // Until client and redirect URI are known good, errors stay on this page (RFC 6749 §4.1.2.1):
        // redirecting to an unvalidated URI would make the sandbox an open redirector.
        if (repeated === 'client_id' || repeated === 'redirect_uri') {
          return errorPage(reply, 'Invalid authorization request', `${repeated} must be sent once.`);
        }
        if (values.client_id !== sandboxClient.id) {
          return errorPage(
            reply,
            'Unknown application',
            values.client_id === undefined
              ? 'The request has no client_id.'
              : `No application with client_id "${values.client_id}" is registered here (the sandbox knows "${sandboxClient.id}").`,
          );
        }
        if (values.redirect_uri === undefined) {
          return errorPage(reply, 'Invalid authorization request', 'The request has no redirect_uri.');
        }
        const uriProblem = redirectUriProblem(values.redirect_uri);
        if (uriProblem) return errorPage(reply, 'Invalid authorization request', uriProblem);
        const redirectUri = values.redirect_uri;

        const fail = (error: string, description: string) =>
          reply.redirect(
            redirectTo(redirectUri, { error, error_description: description, state: values.state }),
            302,
          );
        if (repeated) return fail('invalid_request', `${repeated} must be sent once.`);
        if (values.response_type === undefined) return fail('invalid_request', 'response_type is required.');
        if (values.response_type !== 'code') {
          return fail('unsupported_response_type', 'Only response_type=code is supported.');
        }
        if (values.state === undefined) {
          return fail('invalid_request', 'state is required: it protects the client against CSRF.');
        }
        if (values.code_challenge === undefined) {
          return fail(
            'invalid_request',
            'PKCE is required: send code_challenge and code_challenge_method=S256.',
          );
        }
        if (values.code_challenge_method !== 'S256') {
          return fail('invalid_request', 'code_challenge_method must be S256.');
        }
        if (!isPkceValue(values.code_challenge)) {
          return fail('invalid_request', 'code_challenge must be a base64url SHA-256 (43 characters).');
        }
        const requested = [...new Set((values.scope ?? '').split(' ').filter((scope) => scope !== ''))];
        const unknown = requested.filter((scope) => !Object.hasOwn(sandboxScopes, scope));
        if (unknown.length > 0) {
          return fail(
            'invalid_scope',
            `Unknown scope ${unknown.join(', ')}; the sandbox offers ${Object.keys(sandboxScopes).join(', ')}.`,
          );
        }
        // No scope asked for: the sandbox's default is everything it offers.
        const scopes = requested.length > 0 ? requested : Object.keys(sandboxScopes);

        const now = context.now();
        await deleteExpiredSandboxAuthorizations(db, new Date(now.getTime() - retentionMs));
        const requestId = newSandboxSecret('');
        await insertSandboxAuthorizationRequest(db, {
          requestHash: hashSandboxSecret(requestId),
          clientId: values.client_id,
          redirectUri,
          state: values.state,
          scope: scopes.join(' '),
          codeChallenge: values.code_challenge,
          expiresAt: new Date(now.getTime() + consentTtlMs),
        });
        return reply
          .headers(sandboxPageHeaders)
          .send(
            renderConsentPage({ requestId, scopes, redirectUri, accountName: defaultSandboxAccountName }),
          );
      },
    );

    app.post(
      '/sandbox/oauth/authorize',
      {
        schema: {
          tags: ['Sandbox'],
          summary: 'Sandbox provider: the consent form (Allow or Deny)',
          description:
            'Form fields `request_id` (from the page), `account`, `decision` (`allow` | `deny`). Redirects to the redirect URI with `code` and `state`, or `error=access_denied`.',
        },
      },
      async (request, reply) => {
        const stale = () =>
          errorPage(
            reply,
            'This consent form has expired',
            'It was already answered or left open too long. Authorization requests are valid for 10 minutes.',
          );
        const { values } = readSingleParams(request.body, ['request_id', 'account', 'decision']);
        if (values.request_id === undefined) return stale();
        const requestHash = hashSandboxSecret(values.request_id);
        const pending = await findPendingSandboxAuthorizationRequest(db, requestHash, context.now());
        if (!pending) return stale();
        if (values.decision !== 'allow' && values.decision !== 'deny') {
          return errorPage(reply, 'Invalid consent form', 'Choose Allow or Deny on the consent page.');
        }

        if (values.decision === 'deny') {
          const answered = await consumeSandboxAuthorizationRequest(db, requestHash, context.now());
          if (!answered) return stale();
          return reply.redirect(
            redirectTo(answered.redirectUri, {
              error: 'access_denied',
              error_description: 'The user denied access.',
              state: answered.state,
            }),
            302,
          );
        }

        const identity = sandboxAccountIdentity(values.account ?? '');
        if (!identity.ok) {
          return reply
            .status(400)
            .headers(sandboxPageHeaders)
            .send(
              renderConsentPage({
                requestId: values.request_id,
                scopes: pending.scope.split(' '),
                redirectUri: pending.redirectUri,
                accountName: values.account ?? '',
                problem: identity.problem,
              }),
            );
        }
        const answered = await consumeSandboxAuthorizationRequest(db, requestHash, context.now());
        if (!answered) return stale();
        return reply.redirect(await issueCode(answered, identity), 302);
      },
    );

    async function issueCode(
      answered: SandboxAuthorizationRequestRow,
      identity: { name: string; workspace: string; email: string },
    ): Promise<string> {
      const account = await upsertSandboxAccount(db, {
        id: `acct_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
        name: identity.name,
        email: identity.email,
        workspace: identity.workspace,
      });
      const code = newSandboxSecret('');
      await insertSandboxAuthorizationCode(db, {
        codeHash: hashSandboxSecret(code),
        grantId: randomUUID(),
        clientId: answered.clientId,
        redirectUri: answered.redirectUri,
        codeChallenge: answered.codeChallenge,
        scope: answered.scope,
        accountId: account.id,
        expiresAt: new Date(context.now().getTime() + codeTtlMs),
      });
      return redirectTo(answered.redirectUri, { code, state: answered.state });
    }
  };
}
