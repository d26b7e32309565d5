import { createServer, type Server } from 'node:http';

/**
 * A stand-in for the customer's own web app: a second origin on 127.0.0.1 serving the given files.
 * Browser tests load SDKs from here so that every call to Switchboard is cross-origin, as in production.
 */
export async function startAppOrigin(files: Record<string, { type: string; body: string }>) {
  const server: Server = createServer((request, response) => {
    const file = files[new URL(request.url ?? '/', 'http://x').pathname];
    if (!file) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
