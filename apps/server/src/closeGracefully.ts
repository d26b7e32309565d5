import type { FastifyInstance } from 'fastify';

/** How long a shutdown waits for in-flight requests before it cuts the remaining connections. */
export const SHUTDOWN_GRACE_MS = 5_000;

/**
 * Stops accepting requests, lets in-flight ones finish, and closes the server. A connection that is
 * still busy after `graceMs` (a slow client, a request that arrived as shutdown began) is destroyed,
 * so a shutdown never hangs.
 */
export async function closeGracefully(app: FastifyInstance, graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
  const timer = setTimeout(() => app.server.closeAllConnections(), graceMs);
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
  }
}
