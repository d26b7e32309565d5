/**
 * `{{name}}` placeholders in catalog URL and header templates. A name starts with a letter and holds
 * letters, digits and `_`. Values are inserted verbatim: callers validate each input against its
 * `pattern` before rendering, which is what keeps a templated host inside its allowed hosts.
 */
const placeholderPattern = /\{\{([A-Za-z][A-Za-z0-9_]*)\}\}/g;

/** The distinct placeholder names of a template, in order of first appearance. */
export function templatePlaceholders(template: string): string[] {
  return [...new Set(Array.from(template.matchAll(placeholderPattern), (match) => String(match[1])))];
}

/** False when `{{` or `}}` appear outside a well-formed placeholder (e.g. `{{ shop }}`, `{{shop}`). */
export function isWellFormedTemplate(template: string): boolean {
  const rest = template.replace(placeholderPattern, '');
  return !rest.includes('{{') && !rest.includes('}}');
}

/** Replaces every placeholder with `valueFor(name)`. */
export function fillTemplate(template: string, valueFor: (name: string) => string): string {
  return template.replace(placeholderPattern, (_match, name: string) => valueFor(name));
}

/** Renders a template; throws when a placeholder has no value. */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return fillTemplate(template, (name) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for {{${name}}} in template "${template}"`);
    return value;
  });
}
