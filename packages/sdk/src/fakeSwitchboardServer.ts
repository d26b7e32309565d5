import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MeResponse, SdkIntegration } from '@switchboard/contracts';
import { withoutCredential, withWorkflowEnabled } from './integrationState';

/**
 * A real HTTP server (ephemeral port) answering the SDK routes of one project with fixed wire-shape
 * JSON, and recording every request. Behaviour follows the Switchboard server: User Token compared
 * as a whole, errors as `{ message, code, status }`, PATCH /sdk/me shallow-merges meta, DELETE of an
 * integration removes the credential named by X-Paragon-Credential.
 */

export type RecordedRequest = {
  method: string;
  /** Path including any host prefix and query string. */
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
};

export type FakeReply = { status: number; body?: unknown };

export type FakeSwitchboardOptions = {
  projectId: string;
  /** User Tokens accepted, each mapped to the /sdk/me it sees. */
  users: Map<string, MeResponse>;
  integrations: SdkIntegration[];
  /** Mount prefix, e.g. `/switchboard`, to check that configureGlobal keeps the path. */
  prefix?: string;
};

export type FakeSwitchboard = {
  url: string;
  requests: RecordedRequest[];
  /** Answer the next request matching `method path-regex` with this reply instead. */
  failNext(method: string, path: RegExp, reply: FakeReply): void;
  /** Holds every response until the returned function is called. */
  hold(): () => void;
  close(): Promise<void>;
};

function errorReply(status: number, code: string, message: string): FakeReply {
  return { status, body: { message, code, status } };
}

export async function startFakeSwitchboard(options: FakeSwitchboardOptions): Promise<FakeSwitchboard> {
  const requests: RecordedRequest[] = [];
  const failures: { method: string; path: RegExp; reply: FakeReply }[] = [];
  let held: Promise<void> | undefined;
  const prefix = `${options.prefix ?? ''}/projects/${options.projectId}/sdk`;

  function route(request: RecordedRequest, path: string): FakeReply {
    const failure = failures.findIndex((item) => item.method === request.method && item.path.test(path));
    if (failure >= 0) return failures.splice(failure, 1)[0]?.reply ?? { status: 500 };
    const token = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
    const me = options.users.get(token);
    if (!me) return errorReply(401, 'AUTH_TOKEN_SIGNATURE', 'The User Token signature does not verify.');
    if (request.method === 'GET' && path === '/me') return { status: 200, body: me };
    if (request.method === 'GET' && path === '/integrations')
      return { status: 200, body: options.integrations };
    if (request.method === 'PATCH' && path === '/me') {
      const { meta } = request.body as { meta: Record<string, never> };
      me.meta = { ...me.meta, ...meta };
      return { status: 200, body: me };
    }
    const integrationMatch = /^\/integrations\/([^/]+)$/.exec(path);
    if (request.method === 'DELETE' && integrationMatch) {
      const integration = options.integrations.find((item) => item.id === integrationMatch[1]);
      const state = integration && me.integrations[integration.type];
      const credentialId = String(request.headers['x-paragon-credential'] ?? '');
      if (!integration || !state?.allCredentials.some((credential) => credential.id === credentialId)) {
        return errorReply(404, 'CREDENTIAL_NOT_FOUND', `Credential ${credentialId} not found.`);
      }
      me.integrations[integration.type] = withoutCredential(state, credentialId);
      return { status: 200, body: {} };
    }
    const workflowMatch = /^\/workflows\/([^/]+)$/.exec(path);
    if ((request.method === 'POST' || request.method === 'DELETE') && workflowMatch?.[1]) {
      const configurationId = String(request.headers['x-paragon-configuration-id'] ?? '');
      for (const [type, state] of Object.entries(me.integrations)) {
        if (state.allConfigurations.some((configuration) => configuration.id === configurationId)) {
          me.integrations[type] = withWorkflowEnabled(
            state,
            configurationId,
            workflowMatch[1],
            request.method === 'POST',
          );
          return { status: 200, body: {} };
        }
      }
      return errorReply(404, 'CONFIGURATION_NOT_FOUND', `Configuration ${configurationId} not found.`);
    }
    return errorReply(404, 'ROUTE_NOT_FOUND', `Route ${request.method} ${request.url} not found.`);
  }

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: text === '' ? undefined : JSON.parse(text),
    };
    requests.push(recorded);
    const pathname = new URL(recorded.url, 'http://fake').pathname;
    const reply = pathname.startsWith(prefix)
      ? route(recorded, pathname.slice(prefix.length))
      : errorReply(404, 'ROUTE_NOT_FOUND', `Route ${recorded.method} ${pathname} not found.`);
    await held;
    res.writeHead(reply.status, reply.body === undefined ? {} : { 'content-type': 'application/json' });
    res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(method, path, reply) {
      failures.push({ method, path, reply });
    },
    hold() {
      let release = () => {};
      held = new Promise<void>((resolve) => {
        release = () => {
          held = undefined;
          resolve();
        };
      });
      return release;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
