import type { HttpStepOutput, IntegrationRequest } from '../runHttpStep';

/**
 * An IntegrationRequest for tests: sends the request to `baseUrl` + path with a fixed bearer token,
 * as the proxy path would after fetching the user's credential. Records what it was asked.
 */
export function localIntegrationRequest(
  baseUrl: string,
): IntegrationRequest & { calls: Parameters<IntegrationRequest>[0][] } {
  const calls: Parameters<IntegrationRequest>[0][] = [];
  const request: IntegrationRequest = async (call) => {
    calls.push(call);
    const url = new URL(baseUrl + call.path);
    for (const [name, value] of Object.entries(call.query)) url.searchParams.set(name, value);
    const response = await fetch(url, {
      method: call.method,
      headers: {
        ...call.headers,
        authorization: 'Bearer user-access-token',
        ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
    });
    const text = await response.text();
    const output: HttpStepOutput = {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: text === '' ? undefined : JSON.parse(text),
    };
    return output;
  };
  return Object.assign(request, { calls });
}
