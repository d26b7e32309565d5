import { AppError } from '@switchboard/contracts';
import { type Dispatcher, request } from 'undici';
import { privateAddressErrorOf } from './upstreamDispatcher';

export interface UpstreamCall {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  dispatcher: Dispatcher;
  /** For the response headers, and again between body chunks. */
  timeoutMs: number;
}

/**
 * One request to the third-party API through undici (keep-alive pools, no redirects followed). Network
 * failures become AppErrors that say what happened and never what was sent: 403 for a destination
 * that resolved to a private address, 504 for a timeout, 502 otherwise.
 */
export async function sendUpstream(call: UpstreamCall): Promise<Dispatcher.ResponseData> {
  try {
    return await request(call.url, {
      method: call.method as Dispatcher.HttpMethod,
      headers: call.headers,
      ...(call.body && call.body.length > 0 ? { body: call.body } : {}),
      dispatcher: call.dispatcher,
      headersTimeout: call.timeoutMs,
      bodyTimeout: call.timeoutMs,
    });
  } catch (error) {
    const refused = privateAddressErrorOf(error);
    if (refused) {
      throw new AppError(
        'PROXY_DESTINATION_REFUSED',
        403,
        `Proxy request refused: ${call.url.hostname} resolves to a private, loopback or reserved address, which only local catalog entries may reach.`,
      );
    }
    const code = (error as { code?: string }).code;
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      throw new AppError(
        'PROVIDER_UNREACHABLE',
        504,
        `The upstream API (${call.url.host}) did not answer within ${call.timeoutMs / 1000} s.`,
      );
    }
    throw new AppError(
      'PROVIDER_UNREACHABLE',
      502,
      `The upstream API (${call.url.host}) could not be reached: ${code ?? 'network error'}.`,
    );
  }
}
