import {
  AppError,
  errorBodySchema,
  rotateKeysBodySchema,
  rotateKeysResponseSchema,
} from '@switchboard/contracts';
import type { Database } from '@switchboard/db';
import type { Keyring } from '@switchboard/vault';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { type AdminAuthenticator, requireInstance } from '../auth/adminAuthenticator';
import { rotateKeys } from '../keys/rotateKeys';

export interface KeyRotationRouteDeps {
  db: Kysely<Database>;
  keyring: Keyring;
  admin: AdminAuthenticator;
}

/**
 * `POST /admin/keys/rotate`: the instance operator's re-seal of every secret at rest (instance admin
 * key only — a project API key is refused). Traffic keeps flowing meanwhile (rotateKeys.ts). One
 * rotation at a time per server; the key file has its own lock across processes.
 */
export function keyRotationRoutes(deps: KeyRotationRouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    let running = false;
    app.post(
      '/admin/keys/rotate',
      {
        schema: {
          tags: ['Admin'],
          summary: 'Rotate the encryption key: re-seal every secret at rest under the current key',
          description:
            'File mode (no SWITCHBOARD_ENCRYPTION_KEY): generates a new key into the key file and makes it current. ' +
            'Env mode: re-seals under SWITCHBOARD_ENCRYPTION_KEY whatever is still under a key of SWITCHBOARD_PREVIOUS_ENCRYPTION_KEYS. ' +
            'Concurrent writes are never overwritten; values that cannot be opened are left untouched and listed.',
          security: [{ adminKey: [] }],
          body: rotateKeysBodySchema,
          response: {
            200: rotateKeysResponseSchema,
            400: errorBodySchema,
            401: errorBodySchema,
            403: errorBodySchema,
            409: errorBodySchema,
          },
        },
        // Authenticate before validation, as the other admin routes do: a stranger learns nothing.
        preValidation: async (request) => {
          requireInstance(await deps.admin.authenticate(request.headers.authorization));
        },
      },
      async () => {
        if (running) {
          throw new AppError(
            'CONFLICT',
            409,
            'A key rotation is already running on this server; wait for it to finish, then run it again if needed.',
          );
        }
        running = true;
        try {
          return await rotateKeys({ db: deps.db, keyring: deps.keyring });
        } finally {
          running = false;
        }
      },
    );
  };
}
