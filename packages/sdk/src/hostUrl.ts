/**
 * Base URL of a Switchboard server from `configureGlobal({ host })`. Unlike the official client,
 * which keeps only the hostname and prefixes `https://zeus.` etc., one Switchboard origin serves every
 * path, so scheme, port and path prefix are kept. A bare hostname (`connect.example.com`,
 * `example.com:8443`) means https.
 */
export function normalizeHost(host: string): string {
  const trimmed = host.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`host "${host}" is not a valid URL; pass e.g. "https://switchboard.example.com"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`host "${host}" must use http or https`);
  }
  if (url.search || url.hash) throw new Error(`host "${host}" must not contain a query string or fragment`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
