import type { CredentialSelection } from './integrationState';
import {
  ConnectRequestError,
  errorFrom,
  type FetchLike,
  parseBody,
  type SdkAuth,
  sdkVersionHeader,
  selectedConfigurationHeader,
  selectedCredentialHeader,
} from './sdkHttp';
import { sdkVersion } from './sdkVersion';

/** `workflow()` options (wire protocol 5.10). */
export type WorkflowTriggerOptions = CredentialSelection & {
  body?: unknown;
  query?: Record<string, string>;
  /** Plain object only: like the official client, a `Headers` instance is not read. */
  headers?: Record<string, string>;
};

/** A Request trigger's answer past the server's wait (HTTP 542): poll this execution in task history. */
export const stillRunningStatus = 542;

function selectionHeaders(options: CredentialSelection): Record<string, string> {
  if (options.selectedConfigurationId && !options.selectedCredentialId) {
    throw new Error(
      'Configuration ID cannot be used without a corresponding Credential ID. Please provide both if using Configuration ID.',
    );
  }
  return {
    ...(options.selectedCredentialId ? { [selectedCredentialHeader]: options.selectedCredentialId } : {}),
    ...(options.selectedConfigurationId
      ? { [selectedConfigurationHeader]: options.selectedConfigurationId }
      : {}),
  };
}

async function post(
  fetchFn: FetchLike,
  auth: SdkAuth,
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: unknown; response: Response; text: string }> {
  let response: Response;
  try {
    response = await fetchFn(url, {
      method: 'POST',
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/json',
        [sdkVersionHeader]: sdkVersion,
        ...headers,
        Authorization: `Bearer ${auth.token}`,
      },
      body,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not reach Switchboard at ${auth.host}: ${reason}`, { cause: error });
  }
  const text = await response.text();
  return {
    status: response.status,
    body: parseBody(text, response.headers.get('content-type')),
    response,
    text,
  };
}

/**
 * `event(name, payload)` (wire protocol 5.9): `POST /v2/projects/:pid/sdk/events/trigger` with
 * `{ name, payload }`. Resolves once the server stored the event (its workflows run in the background).
 */
export async function sendAppEvent(
  fetchFn: FetchLike,
  auth: SdkAuth,
  name: string,
  payload: unknown,
  options: CredentialSelection = {},
): Promise<void> {
  const headers = selectionHeaders(options);
  const url = `${auth.host}/v2/projects/${encodeURIComponent(auth.projectId)}/sdk/events/trigger`;
  const answer = await post(fetchFn, auth, url, JSON.stringify({ name, payload }), headers);
  if (!answer.response.ok) throw errorFrom(answer.response, answer.text, answer.body);
}

/**
 * `workflow(workflowId, { body, query, headers })` (wire protocol 5.10): runs a Request-triggered
 * workflow and resolves with its Response step's body. Without a Response step (202) or past the
 * server's wait (542) it resolves with `{ executionId, ... }` to poll; other failures reject with a
 * ConnectRequestError.
 */
export async function triggerWorkflow(
  fetchFn: FetchLike,
  auth: SdkAuth,
  workflowId: string,
  options: WorkflowTriggerOptions = {},
): Promise<unknown> {
  if (!workflowId) throw new Error('workflowId is required.');
  const { body, query, headers, ...selection } = options;
  const url = `${auth.host}/projects/${encodeURIComponent(auth.projectId)}/sdk/triggers/${encodeURIComponent(workflowId)}?${new URLSearchParams(query ?? {})}`;
  const answer = await post(fetchFn, auth, url, JSON.stringify(body ?? {}), {
    ...selectionHeaders(selection),
    ...(headers ?? {}),
  });
  if (answer.response.ok || answer.status === stillRunningStatus) return answer.body;
  throw errorFrom(answer.response, answer.text, answer.body);
}

export { ConnectRequestError };
