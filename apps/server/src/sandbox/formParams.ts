/** Request parameters as parsed from a query string or a form body: repeated names give arrays. */
export type RawParams = Readonly<Record<string, string | readonly string[] | undefined>>;

/** `application/x-www-form-urlencoded` into RawParams (repeated names become arrays). */
export function parseFormBody(body: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const existing = params[name];
    if (existing === undefined) params[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else params[name] = [existing, value];
  }
  return params;
}

/**
 * Reads single-valued parameters. RFC 6749 §3.1/§3.2: a parameter must not appear more than once, and
 * one sent empty is treated as absent.
 */
export function readSingleParams<Name extends string>(
  source: unknown,
  names: readonly Name[],
): { values: Partial<Record<Name, string>>; repeated: Name | undefined } {
  const record = (typeof source === 'object' && source !== null ? source : {}) as RawParams;
  const values: Partial<Record<Name, string>> = {};
  for (const name of names) {
    const value = Object.hasOwn(record, name) ? record[name] : undefined;
    if (typeof value === 'string') {
      if (value !== '') values[name] = value;
    } else if (Array.isArray(value)) {
      return { values, repeated: name };
    }
  }
  return { values, repeated: undefined };
}
