import { parseTemplate } from './parseTemplate';

/**
 * What placeholders can refer to while a step's input is rendered. Built by `stepScope()` from the
 * execution state; any plain JSON object works.
 */
export type TemplateScope = Readonly<Record<string, unknown>>;

/**
 * Looks a path up in the scope. Only own properties of objects and array elements (plus an array's
 * `length`) are followed, so `constructor`, `__proto__` and the like resolve to undefined.
 */
export function resolvePath(scope: unknown, path: readonly string[]): unknown {
  let current: unknown = scope;
  for (const segment of path) {
    if (Array.isArray(current)) {
      if (segment === 'length') current = current.length;
      else if (/^\d+$/.test(segment)) current = current[Number(segment)];
      else return undefined;
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return current;
}

/** How a value reads inside a longer string: missing and null are empty, objects are JSON. */
function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function placeholderPath(source: string): string[] {
  // Definitions are validated before they run; an invalid placeholder here is a bug in the caller.
  throw new Error(`${source} is not a valid placeholder: use a path such as {{ trigger.email }}`);
}

/** Renders a string template to a string (URLs, paths, header values): every placeholder interpolated. */
export function renderText(template: string, scope: TemplateScope): string {
  return parseTemplate(template)
    .map((part) =>
      part.kind === 'text'
        ? part.text
        : asText(resolvePath(scope, part.path ?? placeholderPath(part.source))),
    )
    .join('');
}

/**
 * Renders a JSON template value against a scope, deeply over objects and arrays.
 * - A string that is exactly one placeholder (`"{{ steps.lookup.output }}"`) becomes the referenced
 *   value with its type (object, array, number, boolean, null), or undefined when it is missing.
 * - Any other string is interpolated: missing and null read as "", objects and arrays as JSON.
 * - In objects, keys whose value renders to undefined are left out; in arrays they become null.
 * The result is plain JSON: the scope's values are copied, never shared.
 */
export function renderTemplate(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === 'string') {
    const parts = parseTemplate(value);
    const only = parts[0];
    if (parts.length === 1 && only?.kind === 'placeholder') {
      const resolved = resolvePath(scope, only.path ?? placeholderPath(only.source));
      return resolved === undefined ? undefined : structuredClone(resolved);
    }
    return renderText(value, scope);
  }
  if (Array.isArray(value)) {
    return value.map((item) => renderTemplate(item, scope) ?? null);
  }
  if (typeof value === 'object' && value !== null) {
    const rendered: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const output = renderTemplate(item, scope);
      // defineProperty: a JSON key "__proto__" stays a plain key instead of replacing the prototype.
      if (output !== undefined) {
        Object.defineProperty(rendered, key, {
          value: output,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
    return rendered;
  }
  return value;
}
