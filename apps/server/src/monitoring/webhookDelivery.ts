import { randomUUID } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import {
  type ClaimedWebhookDelivery,
  claimWebhookDeliveries,
  type Database,
  finishWebhookAttempt,
} from '@switchboard/db';
import type { Keyring } from '@switchboard/vault';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { request } from 'undici';
import { serverRequestedDelayMs } from '../proxy/retryPolicy';
import { createUpstreamDispatchers, privateAddressErrorOf } from '../proxy/upstreamDispatcher';
import { signWebhook } from './webhookSignature';

/** Delivery tuning; tests shorten the delays and allow 127.0.0.1 receivers. */
export interface WebhookDeliveryOptions {
  /** Run the delivery loop in this process (default on; SWITCHBOARD_WEBHOOKS=0 turns it off). */
  enabled?: boolean;
  pollMs?: number;
  /** Attempts before a delivery is marked failed (default 8). */
  maxAttempts?: number;
  /** First retry delay; doubled per attempt, with jitter (default 10 s). */
  baseDelayMs?: number;
  /** Ceiling of a retry delay, a receiver's Retry-After included (default 1 h). */
  maxDelayMs?: number;
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number;
  leaseMs?: number;
  /** Allow destinations on loopback/private addresses (default: development servers only). */
  allowPrivateAddresses?: boolean;
  /** Allow http:// destination URLs (default: development servers only). */
  allowHttp?: boolean;
  lookup?: LookupFunction;
}

export interface WebhookDeliveryLoop {
  wake(): void;
  stop(): Promise<void>;
}

/** The next retry's delay: the receiver's Retry-After when given, else exponential with jitter. */
export function retryDelayMs(
  attempt: number,
  requestedMs: number | undefined,
  policy: { baseDelayMs: number; maxDelayMs: number },
  random: () => number = Math.random,
): number {
  if (requestedMs !== undefined)
    // Honoured (never sooner); jitter only adds, so receivers told the same instant spread out.
    return Math.min(policy.maxDelayMs, requestedMs + Math.floor(random() * 0.1 * requestedMs));
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Sends monitoring events to project webhooks: claims due deliveries with a lease, POSTs the signed
 * JSON, and records each attempt. 2xx → delivered; 408/429/5xx and network errors → retried with
 * backoff up to `maxAttempts`; other statuses and refused (private) addresses → failed at once.
 */
export function startWebhookDelivery(deps: {
  db: Kysely<Database>;
  keyring: Keyring;
  logger: FastifyBaseLogger;
  development: boolean;
  options: WebhookDeliveryOptions;
}): WebhookDeliveryLoop {
  const { db, logger, options } = deps;
  const pollMs = options.pollMs ?? 1_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const policy = { baseDelayMs: options.baseDelayMs ?? 10_000, maxDelayMs: options.maxDelayMs ?? 3_600_000 };
  const timeoutMs = options.timeoutMs ?? 10_000;
  const leaseMs = options.leaseMs ?? Math.max(60_000, 2 * timeoutMs);
  const owner = `webhooks-${randomUUID()}`;
  const dispatchers = createUpstreamDispatchers({
    connections: 8,
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });
  const dispatcher =
    (options.allowPrivateAddresses ?? deps.development) ? dispatchers.local : dispatchers.public;
  let stopped = false;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function send(delivery: ClaimedWebhookDelivery): Promise<void> {
    const { event } = delivery;
    const body = JSON.stringify({
      id: event.id,
      kind: event.kind,
      createdAt: event.createdAt.toISOString(),
      projectId: event.projectId,
      data: {
        connectedUserId: event.connectedUserId,
        credentialId: event.credentialId,
        integrationType: event.integrationType,
        ...event.payload,
      },
    });
    const attempt = delivery.attempts + 1;
    const finish = (
      outcome: 'delivered' | 'failed' | 'retry',
      lastStatus: number | null,
      lastError: string | null,
      requestedMs?: number,
    ) => {
      const final = outcome === 'retry' && attempt >= maxAttempts ? 'failed' : outcome;
      return finishWebhookAttempt(db, {
        id: delivery.id,
        owner,
        outcome: final,
        lastStatus,
        lastError:
          final === 'failed' && outcome === 'retry'
            ? `${lastError} (gave up after ${attempt} attempts)`
            : lastError,
        ...(final === 'retry'
          ? { nextAttemptAt: new Date(Date.now() + retryDelayMs(attempt, requestedMs, policy)) }
          : {}),
      });
    };
    try {
      const secret = deps.keyring.open(delivery.secretSealed);
      const response = await request(delivery.url, {
        method: 'POST',
        dispatcher,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Switchboard-Webhooks/1',
          'x-switchboard-event-id': event.id,
          'x-switchboard-event-kind': event.kind,
          'x-switchboard-delivery-id': delivery.id,
          'x-switchboard-signature': signWebhook(secret, body, Math.floor(Date.now() / 1000)),
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body.dump().catch(() => {});
      const status = response.statusCode;
      if (status >= 200 && status < 300) await finish('delivered', status, null);
      else if (status === 408 || status === 429 || status >= 500)
        await finish(
          'retry',
          status,
          `receiver answered ${status}`,
          serverRequestedDelayMs(response.headers, undefined, Date.now()),
        );
      else
        await finish(
          'failed',
          status,
          `receiver answered ${status}; not retried (only 408, 429 and 5xx are)`,
        );
    } catch (error) {
      const refused = privateAddressErrorOf(error);
      if (refused)
        await finish('failed', null, `${refused.message}; webhook destinations must be public addresses`);
      else await finish('retry', null, error instanceof Error ? error.message : String(error));
    }
  }

  async function tick(): Promise<void> {
    const claimed = await claimWebhookDeliveries(db, owner, leaseMs, 16);
    await Promise.all(
      claimed.map((delivery) =>
        send(delivery).catch((error: unknown) =>
          logger.error({ err: error, deliveryId: delivery.id }, 'webhook delivery failed to record'),
        ),
      ),
    );
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (running) return schedule(pollMs);
      running = tick()
        .catch((error: unknown) => logger.error({ err: error }, 'claiming webhook deliveries failed'))
        .finally(() => {
          running = undefined;
          schedule(pollMs);
        });
    }, delayMs);
    timer.unref();
  }
  schedule(0);

  return {
    wake: () => {
      if (!running) schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await dispatchers.close();
    },
  };
}
