import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

/*
 * Cross-process wake-up for the executions queue on PostgreSQL. Whoever queues executions (App Events,
 * Request triggers, the scheduler, Integration Enabled) or lets go of a lease issues
 * `NOTIFY switchboard_executions` in the same transaction, so the notice is delivered when the rows are
 * committed (PostgreSQL folds identical notices of one transaction into one). Workers in other
 * processes LISTEN on one dedicated connection and look for work at once instead of at their next
 * poll; polling stays as the safety net (a dropped connection, executions whose wake-up time came).
 * On PGlite the notice is harmless: the one process's worker is woken in-process.
 */

/** The PostgreSQL channel told whenever executions become claimable. */
export const executionsChannel = 'switchboard_executions';

/** Tells listening workers that executions can be claimed; inside a transaction, on commit. */
export async function notifyExecutionsQueued(db: Kysely<Database>): Promise<void> {
  await sql`select pg_notify(${executionsChannel}, '')`.execute(db);
}

export interface ExecutionNoticeListener {
  /** Stops listening and closes the connection. */
  close(): Promise<void>;
}

/**
 * Holds one dedicated connection to `url` that LISTENs on the executions channel and calls `onNotice`
 * for every notice. A dropped connection is re-opened (after `retryMs`, doubling up to 30 s); `onNotice`
 * is also called after every (re)connect, since notices sent while it was down are lost.
 */
export function listenForQueuedExecutions(options: {
  url: string;
  onNotice(): void;
  /** Told when the connection fails or drops (it is re-opened). */
  onError?(error: unknown): void;
  /** First reconnect delay; default 500 ms. */
  retryMs?: number;
}): ExecutionNoticeListener {
  const firstRetryMs = options.retryMs ?? 500;
  let retryMs = firstRetryMs;
  let closed = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;

  function reconnectLater(error: unknown): void {
    if (closed || timer) return;
    options.onError?.(error);
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, retryMs);
    timer.unref();
    retryMs = Math.min(retryMs * 2, 30_000);
  }

  async function connect(): Promise<void> {
    if (closed) return;
    const next = new pg.Client({ connectionString: options.url });
    client = next;
    let dropped = false;
    const drop = (error: unknown) => {
      if (dropped) return;
      dropped = true;
      next.removeAllListeners('notification');
      next.end().catch(() => {});
      reconnectLater(error);
    };
    next.on('error', drop);
    next.on('end', () => drop(new Error('the LISTEN connection ended')));
    next.on('notification', (message) => {
      if (message.channel === executionsChannel) options.onNotice();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${executionsChannel}`);
    } catch (error) {
      drop(error);
      return;
    }
    if (closed) {
      await next.end().catch(() => {});
      return;
    }
    retryMs = firstRetryMs;
    options.onNotice();
  }

  void connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const current = client;
      client = undefined;
      if (current) {
        current.removeAllListeners();
        current.on('error', () => {});
        await current.end().catch(() => {});
      }
    },
  };
}
