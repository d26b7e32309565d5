/**
 * Host patterns bound where the proxy may send a credential. A pattern is a lowercase host name
 * (`api.hubapi.com`), `*.` plus one (`*.salesforce.com`: any host strictly below it, not the apex), or a
 * template whose placeholders are inputs (`{{shop}}.myshopify.com`, rendered before matching).
 */
const hostPatternSyntax =
  /^(\*\.)?(([a-z0-9]([a-z0-9-]*[a-z0-9])?|\{\{[A-Za-z][A-Za-z0-9_]*\}\})\.)+[a-z]{2,}$/;

export function isHostPattern(pattern: string): boolean {
  return hostPatternSyntax.test(pattern);
}

/** Whether `host` (a URL hostname) matches a rendered host pattern. */
export function hostMatches(pattern: string, host: string): boolean {
  const normalizedHost = host.toLowerCase().replace(/\.$/, '');
  const normalizedPattern = pattern.toLowerCase();
  if (normalizedPattern.startsWith('*.')) {
    const suffix = normalizedPattern.slice(1);
    return normalizedHost.endsWith(suffix) && normalizedHost.length > suffix.length;
  }
  return normalizedHost === normalizedPattern;
}

/** An https URL on the default port whose host matches one of the rendered patterns. */
export function isAllowedHttpsUrl(url: URL, renderedPatterns: readonly string[]): boolean {
  if (url.protocol !== 'https:' || url.port !== '' || url.username !== '' || url.password !== '')
    return false;
  return renderedPatterns.some((pattern) => hostMatches(pattern, url.hostname));
}
