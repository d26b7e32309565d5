import type { Database } from '@switchboard/db';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { parseFormBody } from './formParams';
import { sandboxApiRoutes } from './sandboxApiRoutes';
import { sandboxAuthorizeRoutes } from './sandboxAuthorizeRoutes';
import { sandboxTokenRoutes } from './sandboxTokenRoutes';

export interface SandboxRouteDeps {
  db: Kysely<Database>;
  /** Milliseconds since the epoch; tests move time forward to expire codes and tokens. */
  now?: () => number;
  /** Lifetime of access tokens (default 3600 s, as announced in `expires_in`). */
  accessTokenTtlSeconds?: number;
}

/** The deps with defaults applied, shared by the sandbox's route groups. */
export interface SandboxContext {
  db: Kysely<Database>;
  now: () => Date;
  accessTokenTtlSeconds: number;
}

const formContentType = 'application/x-www-form-urlencoded';
/** Consent forms and token requests are small; anything bigger is not one. */
const formBodyLimitBytes = 64 * 1024;

/**
 * The sandbox provider under `/sandbox/` (docs/connect-design.md, "Sandbox provider"): a real OAuth 2.0
 * authorization server (code flow with PKCE S256, rotating refresh tokens, RFC 7009 revocation) and a
 * small bearer-protected contacts API, all state in the database. Meant for development mode.
 */
export function sandboxRoutes(deps: SandboxRouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    // OAuth endpoints take form bodies. The parser lives only in this plugin's scope; one inherited
    // from the app (if any) is replaced here so the routes always see the same shape.
    if (app.hasContentTypeParser(formContentType)) app.removeContentTypeParser(formContentType);
    app.addContentTypeParser(
      formContentType,
      { parseAs: 'string', bodyLimit: formBodyLimitBytes },
      (_request, body, done) => done(null, parseFormBody(body as string)),
    );

    const clock = deps.now ?? Date.now;
    const context: SandboxContext = {
      db: deps.db,
      now: () => new Date(clock()),
      accessTokenTtlSeconds: deps.accessTokenTtlSeconds ?? 3600,
    };
    await app.register(sandboxAuthorizeRoutes(context));
    await app.register(sandboxTokenRoutes(context));
    await app.register(sandboxApiRoutes(context));
  };
}
