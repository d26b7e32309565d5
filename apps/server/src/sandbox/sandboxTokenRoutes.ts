import { randomUUID } from 'node:crypto';
import {
  consumeSandboxAuthorizationCode,
  findSandboxAuthorizationCode,
  findSandboxToken,
  insertSandboxTokens,
  type NewSandboxToken,
  revokeSandboxGrant,
  revokeSandboxToken,
  rotateSandboxRefreshToken,
} from '@switchboard/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { readSingleParams } from './formParams';
import { authenticateSandboxClient, type ClientAuthentication } from './sandboxClient';
import type { SandboxContext } from './sandboxRoutes';
import { hashSandboxSecret, isPkceValue, newSandboxSecret, pkceVerifierMatches } from './sandboxSecrets';

/** Refresh tokens live 90 days from issue; each rotation starts a new one. */
const refreshTokenTtlMs = 90 * 24 * 3600_000;

type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

/** RFC 6749 §5.2. invalid_client is a 401 with a Basic challenge; the rest are 400. */
function oauthError(reply: FastifyReply, error: OAuthErrorCode, description: string) {
  if (error === 'invalid_client') reply.header('www-authenticate', 'Basic realm="Sandbox CRM"');
  return reply
    .status(error === 'invalid_client' ? 401 : 400)
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .send({ error, error_description: description });
}

/** RFC 6749 §4.1.3, §6 and RFC 7009 §2.1: parameters arrive form-encoded. */
function isForm(request: FastifyRequest): boolean {
  return /^application\/x-www-form-urlencoded\s*(;|$)/i.test(request.headers['content-type'] ?? '');
}

/** The token and revocation endpoints' common start: a form-encoded request from the sandbox client. */
function formClient(request: FastifyRequest): ClientAuthentication {
  if (!isForm(request)) {
    return {
      ok: false,
      error: 'invalid_request',
      description: 'Send the parameters as application/x-www-form-urlencoded.',
    };
  }
  return authenticateSandboxClient(request.headers, request.body);
}

export function sandboxTokenRoutes(context: SandboxContext): FastifyPluginAsyncZod {
  const { db } = context;

  /** One access token plus one refresh token of a grant. */
  function newTokenPair(grant: { grantId: string; accountId: string; clientId: string; scope: string }) {
    const now = context.now().getTime();
    const accessToken = newSandboxSecret('sbx_at_');
    const refreshToken = newSandboxSecret('sbx_rt_');
    const refreshTokenId = randomUUID();
    const rows: NewSandboxToken[] = [
      {
        id: randomUUID(),
        tokenHash: hashSandboxSecret(accessToken),
        kind: 'access',
        ...grant,
        expiresAt: new Date(now + context.accessTokenTtlSeconds * 1000),
      },
      {
        id: refreshTokenId,
        tokenHash: hashSandboxSecret(refreshToken),
        kind: 'refresh',
        ...grant,
        expiresAt: new Date(now + refreshTokenTtlMs),
      },
    ];
    const response = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: context.accessTokenTtlSeconds,
      refresh_token: refreshToken,
      scope: grant.scope,
    };
    return { rows, refreshTokenId, response };
  }

  function tokenResponse(reply: FastifyReply, body: object) {
    return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(body);
  }

  return async (app) => {
    app.post(
      '/sandbox/oauth/token',
      {
        schema: {
          tags: ['Sandbox'],
          summary:
            'Sandbox provider: token endpoint (authorization_code with PKCE, refresh_token with rotation)',
          description:
            'Form-encoded; client authentication by HTTP Basic or `client_id` + `client_secret` in the body. Errors per RFC 6749 §5.2.',
        },
      },
      async (request, reply) => {
        const client = formClient(request);
        if (!client.ok) return oauthError(reply, client.error, client.description);

        const { values, repeated } = readSingleParams(request.body, [
          'grant_type',
          'code',
          'redirect_uri',
          'code_verifier',
          'refresh_token',
          'scope',
        ]);
        if (repeated) return oauthError(reply, 'invalid_request', `${repeated} must be sent once.`);
        const now = context.now();

        if (values.grant_type === 'authorization_code') {
          const { code, code_verifier: verifier } = values;
          if (code === undefined || values.redirect_uri === undefined || verifier === undefined) {
            return oauthError(reply, 'invalid_request', 'code, redirect_uri and code_verifier are required.');
          }
          if (!isPkceValue(verifier)) {
            return oauthError(
              reply,
              'invalid_request',
              'code_verifier must be 43–128 unreserved characters.',
            );
          }
          const codeHash = hashSandboxSecret(code);
          const found = await findSandboxAuthorizationCode(db, codeHash);
          if (!found) return oauthError(reply, 'invalid_grant', 'The authorization code is unknown.');
          if (found.usedAt !== null) {
            // RFC 6749 §4.1.2: a code used twice was probably stolen; end what it granted.
            await revokeSandboxGrant(db, found.grantId, now);
            return oauthError(
              reply,
              'invalid_grant',
              'The authorization code was already used; the tokens issued for it are now revoked.',
            );
          }
          if (found.expiresAt <= now) {
            return oauthError(
              reply,
              'invalid_grant',
              'The authorization code expired (codes live 60 seconds).',
            );
          }
          // Spent from here on, whatever follows: a wrong verifier must not get a second try.
          const redeemed = await consumeSandboxAuthorizationCode(db, codeHash, now);
          if (!redeemed)
            return oauthError(reply, 'invalid_grant', 'The authorization code was already used.');
          if (redeemed.clientId !== client.clientId) {
            return oauthError(reply, 'invalid_grant', 'The authorization code was issued to another client.');
          }
          if (redeemed.redirectUri !== values.redirect_uri) {
            return oauthError(
              reply,
              'invalid_grant',
              'redirect_uri does not match the one in the authorization request.',
            );
          }
          if (!pkceVerifierMatches(verifier, redeemed.codeChallenge)) {
            return oauthError(
              reply,
              'invalid_grant',
              'code_verifier does not match the code_challenge (PKCE).',
            );
          }
          const pair = newTokenPair({
            grantId: redeemed.grantId,
            accountId: redeemed.accountId,
            clientId: redeemed.clientId,
            scope: redeemed.scope,
          });
          await insertSandboxTokens(db, pair.rows);
          return tokenResponse(reply, pair.response);
        }

        if (values.grant_type === 'refresh_token') {
          if (values.refresh_token === undefined) {
            return oauthError(reply, 'invalid_request', 'refresh_token is required.');
          }
          const old = await findSandboxToken(db, hashSandboxSecret(values.refresh_token));
          if (old?.kind !== 'refresh') {
            return oauthError(reply, 'invalid_grant', 'The refresh token is unknown.');
          }
          if (old.clientId !== client.clientId) {
            return oauthError(reply, 'invalid_grant', 'The refresh token was issued to another client.');
          }
          const reuse = async () => {
            // A rotated refresh token presented again: either the client lost the race with itself or
            // the token leaked. As OAuth security BCP (RFC 9700 §4.14.2) advises, end the whole grant.
            await revokeSandboxGrant(db, old.grantId, now);
            return oauthError(
              reply,
              'invalid_grant',
              'The refresh token was already used and replaced; every token of this grant is now revoked. Connect again.',
            );
          };
          if (old.replacedBy !== null) return reuse();
          if (old.revokedAt !== null)
            return oauthError(reply, 'invalid_grant', 'The refresh token was revoked.');
          if (old.expiresAt <= now) return oauthError(reply, 'invalid_grant', 'The refresh token expired.');

          const granted = old.scope.split(' ');
          const requested = values.scope?.split(' ').filter((scope) => scope !== '') ?? granted;
          const beyond = requested.filter((scope) => !granted.includes(scope));
          if (beyond.length > 0) {
            return oauthError(
              reply,
              'invalid_scope',
              `The grant does not include ${beyond.join(', ')} (granted: ${old.scope}).`,
            );
          }
          const grant = { grantId: old.grantId, accountId: old.accountId, clientId: old.clientId };
          const pair = newTokenPair({ ...grant, scope: old.scope });
          // A narrower scope applies to the new access token; the refresh token keeps the whole grant.
          const accessScope = [...new Set(requested)].join(' ');
          const [access, refresh] = pair.rows;
          if (!access || !refresh) throw new Error('a token pair has two tokens');
          const rotated = await rotateSandboxRefreshToken(db, {
            oldTokenId: old.id,
            newRefreshTokenId: pair.refreshTokenId,
            replacement: [{ ...access, scope: accessScope }, refresh],
            now,
          });
          if (!rotated) return reuse();
          return tokenResponse(reply, { ...pair.response, scope: accessScope });
        }

        if (values.grant_type === undefined)
          return oauthError(reply, 'invalid_request', 'grant_type is required.');
        return oauthError(
          reply,
          'unsupported_grant_type',
          `grant_type "${values.grant_type}" is not supported; use authorization_code or refresh_token.`,
        );
      },
    );

    app.post(
      '/sandbox/oauth/revoke',
      {
        schema: {
          tags: ['Sandbox'],
          summary: 'Sandbox provider: token revocation (RFC 7009)',
          description:
            'Form field `token` (and optional `token_type_hint`). Revoking a refresh token ends the whole grant. Answers 200 for any well-formed request, known token or not.',
        },
      },
      async (request, reply) => {
        const client = formClient(request);
        if (!client.ok) return oauthError(reply, client.error, client.description);
        const { values, repeated } = readSingleParams(request.body, ['token', 'token_type_hint']);
        if (repeated) return oauthError(reply, 'invalid_request', `${repeated} must be sent once.`);
        if (values.token === undefined) return oauthError(reply, 'invalid_request', 'token is required.');

        // The hint only speeds up a lookup elsewhere; one hash lookup finds either kind here.
        const token = await findSandboxToken(db, hashSandboxSecret(values.token));
        // Unknown, already revoked or another client's token: 200 all the same (RFC 7009 §2.2), so the
        // answer tells nothing about which tokens exist.
        if (token && token.clientId === client.clientId) {
          const now = context.now();
          // RFC 7009 §2.1: revoking a refresh token also invalidates the access tokens of its grant.
          if (token.kind === 'refresh') await revokeSandboxGrant(db, token.grantId, now);
          else await revokeSandboxToken(db, token.id, now);
        }
        return reply.header('cache-control', 'no-store').status(200).send();
      },
    );
  };
}
