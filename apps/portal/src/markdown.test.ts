import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, test } from 'vitest';
import { MarkdownView } from './MarkdownView';
import { parseInline, parseMarkdown, safeHref } from './markdown';

const html = (source: string) => renderToStaticMarkup(createElement(MarkdownView, { source }));

describe('parseMarkdown', () => {
  test('the seed overview: a heading without a space, blank lines and • bullets', () => {
    const source =
      '####Our Slack integration enables you to:\n   \n\n• Receive alerts and notifications in your Slack workspace\n• Notify or DM specific team members based on certain activity';
    expect(parseMarkdown(source)).toEqual([
      {
        kind: 'heading',
        level: 4,
        children: [{ kind: 'text', text: 'Our Slack integration enables you to:' }],
      },
      {
        kind: 'list',
        ordered: false,
        items: [
          [{ kind: 'text', text: 'Receive alerts and notifications in your Slack workspace' }],
          [{ kind: 'text', text: 'Notify or DM specific team members based on certain activity' }],
        ],
      },
    ]);
  });

  test('paragraphs join their lines; lists of both kinds; continuation lines', () => {
    expect(parseMarkdown('One\ntwo\n\n1. first\n2) second\n   more\n- dash\n* star')).toEqual([
      { kind: 'paragraph', children: [{ kind: 'text', text: 'One two' }] },
      {
        kind: 'list',
        ordered: true,
        items: [[{ kind: 'text', text: 'first' }], [{ kind: 'text', text: 'second more' }]],
      },
      {
        kind: 'list',
        ordered: false,
        items: [[{ kind: 'text', text: 'dash' }], [{ kind: 'text', text: 'star' }]],
      },
    ]);
  });

  test('inline: bold, italic, code, links, escapes, snake_case', () => {
    expect(parseInline('**Bold** and *it* and _it_ and `x*y` and snake_case_name \\*lit\\*')).toEqual([
      { kind: 'strong', children: [{ kind: 'text', text: 'Bold' }] },
      { kind: 'text', text: ' and ' },
      { kind: 'em', children: [{ kind: 'text', text: 'it' }] },
      { kind: 'text', text: ' and ' },
      { kind: 'em', children: [{ kind: 'text', text: 'it' }] },
      { kind: 'text', text: ' and ' },
      { kind: 'code', text: 'x*y' },
      { kind: 'text', text: ' and snake_case_name *lit*' },
    ]);
    expect(parseInline('see [the **docs**](https://example.com/a?b=1)')).toEqual([
      { kind: 'text', text: 'see ' },
      {
        kind: 'link',
        href: 'https://example.com/a?b=1',
        children: [
          { kind: 'text', text: 'the ' },
          { kind: 'strong', children: [{ kind: 'text', text: 'docs' }] },
        ],
      },
    ]);
    expect(parseInline('2 * 3 * 4')).toEqual([{ kind: 'text', text: '2 * 3 * 4' }]);
  });

  test('only http(s) and mailto links', () => {
    expect(safeHref('https://example.com')).toBe('https://example.com/');
    expect(safeHref('mailto:help@example.com')).toBe('mailto:help@example.com');
    for (const bad of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      ' data:text/html,x',
      '/relative',
      '//evil.example',
      'vbscript:x',
    ])
      expect(safeHref(bad)).toBeUndefined();
    expect(parseInline('[click](javascript:alert(1))')).toEqual([{ kind: 'text', text: 'click)' }]);
    expect(parseInline('[x](javascript:alert`1`)')).toEqual([{ kind: 'text', text: 'x' }]);
  });
});

describe('MarkdownView', () => {
  test('renders elements, headings below the dialog title, links with rel=noopener', () => {
    expect(html('# Title\n\nHello **you** [docs](https://example.com)\n\n- a\n- b')).toBe(
      '<div class="markdown"><h3>Title</h3><p>Hello <strong>you</strong> ' +
        '<a href="https://example.com/" target="_blank" rel="noopener noreferrer">docs</a></p>' +
        '<ul><li>a</li><li>b</li></ul></div>',
    );
    expect(html('###### deep')).toBe('<div class="markdown"><h6>deep</h6></div>');
  });

  test('HTML in the source is text, never markup', () => {
    const out = html('<img src=x onerror="alert(1)"> <script>alert(1)</script>\n\n**<b>x</b>**');
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<script');
    expect(out).not.toContain('<b>');
    expect(out).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &lt;script&gt;');
  });
});
