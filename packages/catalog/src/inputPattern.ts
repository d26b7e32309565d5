/**
 * An input's `pattern` must match the whole value (it is anchored here, so catalog entries write
 * `[a-z0-9-]+`, not `^[a-z0-9-]+$`). Inputs without a pattern accept any value.
 */
export function matchesInputPattern(
  input: { readonly pattern?: string | undefined },
  value: string,
): boolean {
  if (input.pattern === undefined) return true;
  return new RegExp(`^(?:${input.pattern})$`, 'u').test(value);
}

export function isValidPattern(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}
