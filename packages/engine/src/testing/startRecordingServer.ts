import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RecordedRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Raw body text; `json` when it parses. */
  body: string;
  json: unknown;
};

export type Reply = {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Hold the answer this long (to observe requests in flight). */
  delayMs?: number;
};

export type RecordingServer = {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: RecordedRequest[];
  /** Most requests that were being answered at the same time since the last reset(). */
  maxInFlight: () => number;
  /** Sets how the next requests are answered (default: 200 `{ ok: true }`). */
  handle: (handler: (request: RecordedRequest) => Reply | Promise<Reply>) => void;
  reset: () => void;
  close: () => Promise<void>;
};

/** A real HTTP server on 127.0.0.1 (ephemeral port) that records requests and answers as told. */
export async function startRecordingServer(): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  let handler: (request: RecordedRequest) => Reply | Promise<Reply> = () => ({ body: { ok: true } });
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer(async (req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = body === '' ? undefined : JSON.parse(body);
      } catch {
        json = undefined;
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const request = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        json,
      };
      requests.push(request);
      const reply = await handler(request);
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      const text =
        typeof reply.body === 'string'
          ? reply.body
          : reply.body === undefined
            ? ''
            : JSON.stringify(reply.body);
      const headers: Record<string, string> = {
        ...(typeof reply.body === 'string' || reply.body === undefined
          ? {}
          : { 'content-type': 'application/json' }),
        ...reply.headers,
      };
      res.writeHead(reply.status ?? 200, headers);
      res.end(text);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    } finally {
      inFlight -= 1;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    maxInFlight: () => maxInFlight,
    handle: (next) => {
      handler = next;
    },
    reset: () => {
      requests.length = 0;
      maxInFlight = 0;
      handler = () => ({ body: { ok: true } });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
