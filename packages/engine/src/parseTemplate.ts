/**
 * Template syntax: `{{ path }}` inside any string. A path is dot-separated keys with optional
 * `[n]` indexes: `steps.lookup.output.body.results[0].email`, `trigger.headers.x-request-id`.
 * Keys are letters, digits, `_`, `$` and `-`; there are no expressions, filters or function calls,
 * so rendering never runs code. A `{{` without a closing `}}` is plain text.
 */

export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'placeholder'; source: string; path: string[] | undefined };

const placeholderPattern = /\{\{([^{}]*)\}\}/g;
const segmentPattern = /^[A-Za-z0-9_$-]+$/;

/** `a.b[0].c` → `['a','b','0','c']`; undefined when the text is not a path. */
export function parsePath(text: string): string[] | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const segments: string[] = [];
  for (const dotted of trimmed.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(dotted);
    if (!match) return undefined;
    const [, key = '', indexes = ''] = match;
    if (!segmentPattern.test(key)) return undefined;
    segments.push(key);
    for (const index of indexes.matchAll(/\[(\d+)\]/g)) segments.push(index[1] ?? '');
  }
  return segments;
}

/** Splits a string into text and placeholders; a placeholder whose path is invalid has `path: undefined`. */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of template.matchAll(placeholderPattern)) {
    if (match.index > last) parts.push({ kind: 'text', text: template.slice(last, match.index) });
    parts.push({ kind: 'placeholder', source: match[0], path: parsePath(match[1] ?? '') });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push({ kind: 'text', text: template.slice(last) });
  return parts;
}

/** A reference found in a template value, with where it sits (JSON path below the value). */
export type TemplateReference = {
  /** Where in the value: `['body', 'email']`. */
  at: (string | number)[];
  /** The placeholder as written, e.g. `{{ trigger.email }}`. */
  source: string;
  /** The parsed path; undefined when the placeholder is not a valid path. */
  path: string[] | undefined;
};

/** Every placeholder in a JSON value (strings at any depth). */
export function templateReferences(value: unknown, at: (string | number)[] = []): TemplateReference[] {
  if (typeof value === 'string') {
    return parseTemplate(value).flatMap((part) =>
      part.kind === 'placeholder' ? [{ at, source: part.source, path: part.path }] : [],
    );
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => templateReferences(item, [...at, index]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => templateReferences(item, [...at, key]));
  }
  return [];
}
