/**
 * Catalog JSON paths are dot-separated property names (`authed_user.access_token`, `team.id`); an all-digit
 * segment indexes an array. Only own properties are followed.
 */
export const jsonPathPattern = /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/;

/** The value at `path` in parsed JSON, or undefined when any step is missing. */
export function readJsonPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const segment of path.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) {
      current = current[Number(segment)];
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return current;
}
