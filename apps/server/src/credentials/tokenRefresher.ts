import { randomUUID } from 'node:crypto';
import type { IntegrationDefinition } from '@switchboard/catalog';
import { AppError } from '@switchboard/contracts';
import {
  type CredentialRow,
  claimRefreshLease,
  completeRefresh,
  type Database,
  failRefresh,
  type IntegrationRow,
  insertMonitoringEvent,
  readRefreshState,
  releaseRefreshLease,
} from '@switchboard/db';
import { type Fetch, type Keyring, readAccount, refreshTokenSet } from '@switchboard/vault';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import {
  type CredentialSecrets,
  openCredentialSecrets,
  sealCredentialSecrets,
} from '../connect/credentialSecrets';
import { oauthClientOf } from '../connect/oauthClientOf';

/** A credential with what it takes to refresh it. */
export interface RefreshContext {
  credential: Pick<CredentialRow, 'id' | 'projectId' | 'integrationId' | 'connectedUserId' | 'inputs'>;
  definition: IntegrationDefinition;
  integration: IntegrationRow;
  /** This server's public origin (the sandbox's token URL is `{{switchboardOrigin}}/…`). */
  origin: string;
}

/** A credential's secrets as stored (sealed) and opened. `sealed` identifies the version. */
export interface OpenedSecrets {
  sealed: string;
  secrets: CredentialSecrets;
}

export interface TokenRefresherOptions {
  db: Kysely<Database>;
  keyring: Keyring;
  fetch: Fetch;
  logger: FastifyBaseLogger;
  /** Refresh when the access token expires within this; default 60 s. */
  skewMs?: number;
  /** How long a claimed refresh may take before another process may take over; default 30 s. */
  leaseMs?: number;
  /** How often a waiter looks whether the holder finished; default 50 ms. */
  pollMs?: number;
  /** Attempts at the token endpoint when it fails transiently (network, 5xx, bad answer); default 3. */
  attempts?: number;
  /** Base of the exponential back-off between those attempts; default 250 ms. */
  backoffMs?: number;
}

/** Provider error codes that mean the grant is gone for good: the user must reconnect. */
const revokedGrantErrors = new Set(['invalid_grant', 'invalid_refresh_token', 'token_revoked']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Fresh access tokens, refreshed single-flight: concurrent callers in this process share one promise,
 * and processes on one database share one refresh through the credential's lease (credentialRefresh.ts):
 * exactly one token-endpoint call, whose result everyone uses. A provider that answers without a new
 * refresh token keeps the old one (vault's refreshTokenSet). A revoked grant turns the credential
 * INVALID, counts the failure and records a `credential.failure` monitoring event; transient failures
 * are retried with back-off, counted, and leave the credential's status as it was.
 */
export function createTokenRefresher(options: TokenRefresherOptions) {
  const { db, keyring, logger } = options;
  const skewMs = options.skewMs ?? 60_000;
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 50;
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 250;
  const owner = `${process.pid}-${randomUUID()}`;
  const inFlight = new Map<string, Promise<OpenedSecrets>>();

  function needsRefresh(secrets: CredentialSecrets, nowMs = Date.now()): boolean {
    if (secrets.kind !== 'oauth2' || !secrets.refreshToken || !secrets.expiresAt) return false;
    return Date.parse(secrets.expiresAt) - nowMs <= skewMs;
  }

  function canRefresh(context: RefreshContext, secrets: CredentialSecrets): boolean {
    return (
      secrets.kind === 'oauth2' &&
      secrets.refreshToken !== undefined &&
      context.definition.auth.type === 'oauth2' &&
      context.definition.auth.refresh.refreshToken !== 'never'
    );
  }

  /**
   * Replaces `stale` (the secrets a caller used) with refreshed ones, or answers the newer secrets
   * another caller already stored. Throws CREDENTIAL_INVALID when the grant is revoked.
   */
  function refresh(context: RefreshContext, stale: OpenedSecrets): Promise<OpenedSecrets> {
    const id = context.credential.id;
    const running = inFlight.get(id);
    if (running) return running;
    const promise = refreshAcrossProcesses(context, stale).finally(() => inFlight.delete(id));
    inFlight.set(id, promise);
    return promise;
  }

  /**
   * Whether stored secrets are newer than the ones a caller used. Compared by token, not by sealed
   * text: a key rotation re-seals the same token, which must not pass for a refresh.
   */
  function isNewer(stored: OpenedSecrets, stale: OpenedSecrets): boolean {
    if (stored.sealed === stale.sealed) return false;
    const a = stored.secrets;
    const b = stale.secrets;
    if (a.kind !== 'oauth2' || b.kind !== 'oauth2') return true;
    return a.accessToken !== b.accessToken;
  }

  async function refreshAcrossProcesses(
    context: RefreshContext,
    stale: OpenedSecrets,
  ): Promise<OpenedSecrets> {
    const id = context.credential.id;
    const deadline = Date.now() + leaseMs + 5_000;
    while (Date.now() < deadline) {
      const state = await readRefreshState(db, id);
      if (!state || state.sealed === null) {
        throw new AppError('CREDENTIAL_NOT_FOUND', 404, `The credential ${id} no longer exists.`);
      }
      if (state.status === 'INVALID') throw invalidCredential(context);
      const current = open(state.sealed);
      if (isNewer(current, stale)) return current;
      if (!state.leaseLive && (await claimRefreshLease(db, id, owner, leaseMs))) {
        // Someone may have finished between our read and our claim: look once more, now that we hold it.
        const claimed = await readRefreshState(db, id);
        const latest = claimed?.sealed ? open(claimed.sealed) : current;
        if (isNewer(latest, stale)) {
          await releaseRefreshLease(db, id, owner);
          return latest;
        }
        const stored = await callProvider(context, latest.secrets);
        if (stored) return stored;
        continue; // our lease lapsed and someone else took over: wait for their result
      }
      await sleep(pollMs);
    }
    throw new AppError(
      'CREDENTIAL_REFRESH_FAILED',
      502,
      `Refreshing the ${context.definition.name} credential took too long; try again.`,
    );
  }

  /** One holder's refresh: the provider call (with transient retries) and the store. */
  async function callProvider(
    context: RefreshContext,
    current: CredentialSecrets,
  ): Promise<OpenedSecrets | undefined> {
    const { credential, definition, integration } = context;
    if (current.kind !== 'oauth2' || !current.refreshToken) {
      await releaseRefreshLease(db, credential.id, owner);
      throw new AppError(
        'CREDENTIAL_REFRESH_FAILED',
        502,
        `The ${definition.name} credential has no refresh token; reconnect it.`,
      );
    }
    const templateValues = { ...credential.inputs, switchboardOrigin: context.origin };
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      if (attempt > 0) await sleep(backoffMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
      try {
        const client = oauthClientOf(integration, definition, keyring);
        const tokenSet = await refreshTokenSet({
          definition,
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          templateValues,
          fetch: options.fetch,
          refreshToken: current.refreshToken,
        });
        const secrets: CredentialSecrets = {
          kind: 'oauth2',
          accessToken: tokenSet.accessToken,
          ...(tokenSet.refreshToken ? { refreshToken: tokenSet.refreshToken } : {}),
          ...(tokenSet.expiresAt ? { expiresAt: tokenSet.expiresAt.toISOString() } : {}),
          ...((tokenSet.scope ?? current.scope) ? { scope: tokenSet.scope ?? current.scope } : {}),
          extraTokens: { ...current.extraTokens, ...tokenSet.extraTokens },
        };
        const sealed = sealCredentialSecrets(keyring, secrets);
        const stored = await completeRefresh(db, {
          credentialId: credential.id,
          owner,
          sealed,
          dateValidUntil: tokenSet.expiresAt ?? null,
          providerData: tokenProviderData(definition, tokenSet.tokenResponse, templateValues),
        });
        if (!stored) return undefined;
        logger.debug({ credentialId: credential.id, integration: definition.type }, 'credential refreshed');
        return { sealed: sealed.sealed, secrets };
      } catch (error) {
        lastError = error;
        if (isRevokedGrant(error)) {
          const failures = await failRefresh(db, { credentialId: credential.id, owner, invalid: true });
          await insertMonitoringEvent(db, {
            projectId: credential.projectId,
            kind: 'credential.failure',
            connectedUserId: credential.connectedUserId,
            credentialId: credential.id,
            integrationType: definition.type,
            payload: {
              reason: 'refresh_revoked',
              message: (error as AppError).message,
              refreshFailureCount: failures ?? null,
            },
          });
          logger.warn(
            { credentialId: credential.id, integration: definition.type },
            'credential refresh refused by the provider; marked INVALID',
          );
          throw invalidCredential(context);
        }
        if (error instanceof AppError && error.code === 'INTEGRATION_NOT_CONFIGURED') break;
      }
    }
    await failRefresh(db, { credentialId: credential.id, owner, invalid: false });
    const reason = lastError instanceof AppError ? lastError.message : 'network error';
    logger.warn(
      { credentialId: credential.id, integration: definition.type, reason },
      'credential refresh failed',
    );
    throw new AppError(
      'CREDENTIAL_REFRESH_FAILED',
      502,
      `Could not refresh the ${definition.name} credential after ${attempts} attempts: ${reason}`,
    );
  }

  function open(sealed: string): OpenedSecrets {
    return { sealed, secrets: openCredentialSecrets(keyring, sealed) };
  }

  return { needsRefresh, canRefresh, refresh, open };
}
export type TokenRefresher = ReturnType<typeof createTokenRefresher>;

function isRevokedGrant(error: unknown): boolean {
  return (
    error instanceof AppError &&
    error.code === 'OAUTH_PROVIDER_ERROR' &&
    revokedGrantErrors.has(error.details?.[0]?.message ?? '')
  );
}

function invalidCredential(context: RefreshContext): AppError {
  return new AppError(
    'CREDENTIAL_INVALID',
    401,
    `The ${context.definition.name} credential ${context.credential.id} is no longer valid (the provider revoked it); the user must reconnect ${context.definition.name}.`,
  );
}

/** providerData facts read from the token response (`{ token: path }` sources), re-read on every refresh. */
function tokenProviderData(
  definition: IntegrationDefinition,
  tokenResponse: unknown,
  templateValues: Record<string, string>,
): Record<string, string | number | boolean> | undefined {
  const tokenKeys = Object.entries(definition.account.providerData)
    .filter(([, source]) => 'token' in source)
    .map(([key]) => key);
  if (tokenKeys.length === 0) return undefined;
  const { providerData } = readAccount(definition, { tokenResponse, templateValues });
  const fresh = Object.fromEntries(
    tokenKeys.flatMap((key) => (key in providerData ? [[key, providerData[key]!]] : [])),
  );
  return Object.keys(fresh).length > 0 ? fresh : undefined;
}
