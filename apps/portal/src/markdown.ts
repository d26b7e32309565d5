/**
 * The subset of Markdown an integration overview uses, parsed to a small tree that MarkdownView turns
 * into React elements (never HTML strings): ATX headings (`#`…`######`, the space optional as in the
 * seed's `####Our Slack integration`), paragraphs, `-`/`*`/`+`/`•` and `1.` lists, `**bold**`,
 * `*italic*`/`_italic_`, `` `code` `` and `[text](url)` links to http(s)/mailto. Anything else is text.
 */

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'strong'; children: Inline[] }
  | { kind: 'em'; children: Inline[] }
  | { kind: 'code'; text: string }
  | { kind: 'link'; href: string; children: Inline[] };

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { kind: 'paragraph'; children: Inline[] }
  | { kind: 'list'; ordered: boolean; items: Inline[][] };

const headingLine = /^\s{0,3}(#{1,6})\s*(.*?)\s*#*\s*$/;
const bulletLine = /^\s*[-*+•]\s+(.*)$/;
const orderedLine = /^\s*\d{1,9}[.)]\s+(.*)$/;

/** http(s) and mailto URLs only; anything else (javascript:, data:, relative) is not a link. */
export function safeHref(raw: string): string | undefined {
  const href = raw.trim();
  if (!/^(https?:\/\/|mailto:)/i.test(href)) return undefined;
  try {
    const url = new URL(href);
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function pushText(out: Inline[], text: string): void {
  if (text === '') return;
  const last = out[out.length - 1];
  if (last?.kind === 'text') last.text += text;
  else out.push({ kind: 'text', text });
}

/** Finds the closing `marker` after `from` that is not followed by the marker's own character again. */
function findClose(text: string, marker: string, from: number): number {
  let index = text.indexOf(marker, from);
  while (index !== -1) {
    if (index > from) return index;
    index = text.indexOf(marker, index + 1);
  }
  return -1;
}

export function parseInline(text: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const ch = text[i] as string;
    if (ch === '\\' && i + 1 < text.length && /[\\`*_[\]()#>+\-.!•]/.test(text[i + 1] as string)) {
      pushText(out, text[i + 1] as string);
      i += 2;
      continue;
    }
    if (ch === '`') {
      const end = text.indexOf('`', i + 1);
      if (end > i + 1) {
        out.push({ kind: 'code', text: text.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if (depth < 8 && (rest.startsWith('**') || rest.startsWith('__'))) {
      const marker = rest.slice(0, 2);
      const end = findClose(text, marker, i + 2);
      if (end !== -1) {
        out.push({ kind: 'strong', children: parseInline(text.slice(i + 2, end), depth + 1) });
        i = end + 2;
        continue;
      }
    }
    if (depth < 8 && (ch === '*' || ch === '_') && text[i + 1] !== ' ' && text[i + 1] !== undefined) {
      // `_` inside a word (snake_case) is text.
      const wordBefore = ch === '_' && i > 0 && /\w/.test(text[i - 1] as string);
      const end = wordBefore ? -1 : findClose(text, ch, i + 1);
      if (end !== -1 && text[end - 1] !== ' ') {
        out.push({ kind: 'em', children: parseInline(text.slice(i + 1, end), depth + 1) });
        i = end + 1;
        continue;
      }
    }
    if (ch === '[') {
      const link = /^\[([^\]]*)\]\(([^)\s]*)(?:\s+"[^"]*")?\)/.exec(rest);
      if (link) {
        const href = safeHref(link[2] as string);
        const children = parseInline(link[1] as string, depth + 1);
        if (href && children.length > 0) out.push({ kind: 'link', href, children });
        else for (const child of children) out.push(child);
        i += link[0].length;
        continue;
      }
    }
    pushText(out, ch);
    i += 1;
  }
  return out;
}

export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | undefined;

  const flushParagraph = () => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', children: parseInline(paragraph.join(' ')) });
    paragraph = [];
  };
  const flushList = () => {
    if (list)
      blocks.push({
        kind: 'list',
        ordered: list.ordered,
        items: list.items.map((item) => parseInline(item)),
      });
    list = undefined;
  };

  for (const rawLine of source.replace(/\r\n?/g, '\n').split('\n')) {
    const line = rawLine.replace(/\t/g, '    ');
    if (line.trim() === '') {
      flushParagraph();
      flushList();
      continue;
    }
    const heading = headingLine.exec(line);
    if (heading && (heading[2] as string) !== '') {
      flushParagraph();
      flushList();
      const level = (heading[1] as string).length as 1 | 2 | 3 | 4 | 5 | 6;
      blocks.push({ kind: 'heading', level, children: parseInline(heading[2] as string) });
      continue;
    }
    const bullet = bulletLine.exec(line);
    const ordered = bullet ? undefined : orderedLine.exec(line);
    const item = bullet ?? ordered;
    if (item) {
      flushParagraph();
      const isOrdered = ordered !== undefined && ordered !== null;
      if (list && list.ordered !== isOrdered) flushList();
      list ??= { ordered: isOrdered, items: [] };
      list.items.push((item[1] as string).trim());
      continue;
    }
    if (list && /^\s{2,}\S/.test(line)) {
      // A continuation line of the last list item.
      const last = list.items.length - 1;
      list.items[last] = `${list.items[last]} ${line.trim()}`;
      continue;
    }
    flushList();
    paragraph.push(line.trim());
  }
  flushParagraph();
  flushList();
  return blocks;
}
