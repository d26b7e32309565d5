import { describe, expect, test } from 'vitest';
import { parsePath, parseTemplate, templateReferences } from './parseTemplate';
import { renderTemplate, renderText, resolvePath } from './renderTemplate';

const scope = {
  trigger: {
    name: 'Brandon',
    email: 'b@example.com',
    count: 3,
    tags: ['a', 'b'],
    nested: { ok: true },
    nothing: null,
  },
  steps: { lookup: { output: { body: { results: [{ id: 'c1' }, { id: 'c2' }] } } } },
  settings: { channel: '#sales' },
  user: { id: 'user-1', meta: { plan: 'pro', 'time-zone': 'Europe/Paris' } },
};

describe('parsePath', () => {
  test.each([
    ['trigger.email', ['trigger', 'email']],
    [' steps.lookup.output.body.results[0].id ', ['steps', 'lookup', 'output', 'body', 'results', '0', 'id']],
    ['steps.lookup.output.body.results.1', ['steps', 'lookup', 'output', 'body', 'results', '1']],
    ['a[0][1]', ['a', '0', '1']],
    ['trigger.headers.x-request-id', ['trigger', 'headers', 'x-request-id']],
  ])('%s', (text, path) => {
    expect(parsePath(text)).toEqual(path);
  });

  test.each(['', 'a..b', 'a.', '[0]', 'a + 1', 'fn()', "a['b']", 'a.[0]', 'a b'])('rejects %j', (text) => {
    expect(parsePath(text)).toBeUndefined();
  });
});

describe('parseTemplate', () => {
  test('splits text and placeholders; an unclosed {{ is text', () => {
    expect(parseTemplate('Hi {{ trigger.name }}, {{bad path}} {{')).toEqual([
      { kind: 'text', text: 'Hi ' },
      { kind: 'placeholder', source: '{{ trigger.name }}', path: ['trigger', 'name'] },
      { kind: 'text', text: ', ' },
      { kind: 'placeholder', source: '{{bad path}}', path: undefined },
      { kind: 'text', text: ' {{' },
    ]);
  });

  test('templateReferences finds placeholders at any depth, with where they are', () => {
    expect(
      templateReferences({ a: ['x {{trigger.a}}', { b: '{{user.id}}' }], n: 1 }, ['body']).map((r) => [
        r.at,
        r.path,
      ]),
    ).toEqual([
      [
        ['body', 'a', 0],
        ['trigger', 'a'],
      ],
      [
        ['body', 'a', 1, 'b'],
        ['user', 'id'],
      ],
    ]);
  });
});

describe('resolvePath', () => {
  test('follows own properties and array indexes only', () => {
    expect(resolvePath(scope, ['trigger', 'tags', '1'])).toBe('b');
    expect(resolvePath(scope, ['trigger', 'tags', 'length'])).toBe(2);
    expect(resolvePath(scope, ['trigger', 'constructor'])).toBeUndefined();
    expect(resolvePath(scope, ['trigger', '__proto__'])).toBeUndefined();
    expect(resolvePath(scope, ['trigger', 'name', 'length'])).toBeUndefined();
    expect(resolvePath(scope, ['trigger', 'tags', 'map'])).toBeUndefined();
    expect(resolvePath(scope, ['missing', 'deeper'])).toBeUndefined();
  });
});

describe('renderTemplate', () => {
  test('a string that is exactly one placeholder keeps the value and its type', () => {
    expect(renderTemplate('{{trigger.count}}', scope)).toBe(3);
    expect(renderTemplate('{{ trigger.nested }}', scope)).toEqual({ ok: true });
    expect(renderTemplate('{{trigger.tags}}', scope)).toEqual(['a', 'b']);
    expect(renderTemplate('{{trigger.nothing}}', scope)).toBeNull();
    expect(renderTemplate('{{steps.lookup.output.body.results[1].id}}', scope)).toBe('c2');
    expect(renderTemplate('{{user.meta.time-zone}}', scope)).toBe('Europe/Paris');
  });

  test('a missing single placeholder is undefined: left out of objects, null in arrays', () => {
    expect(renderTemplate('{{trigger.missing}}', scope)).toBeUndefined();
    expect(renderTemplate({ a: '{{trigger.missing}}', b: '{{trigger.name}}' }, scope)).toEqual({
      b: 'Brandon',
    });
    expect(renderTemplate(['{{trigger.missing}}', 1], scope)).toEqual([null, 1]);
  });

  test('other strings interpolate: missing and null read as "", objects as JSON', () => {
    expect(renderTemplate('Hello {{trigger.name}} ({{trigger.count}})', scope)).toBe('Hello Brandon (3)');
    expect(renderTemplate('[{{trigger.missing}}][{{trigger.nothing}}]', scope)).toBe('[][]');
    expect(renderTemplate('tags={{trigger.tags}} n={{trigger.nested}}', scope)).toBe(
      'tags=["a","b"] n={"ok":true}',
    );
    expect(renderTemplate(' {{trigger.count}}', scope)).toBe(' 3');
    expect(renderText('{{trigger.count}}', scope)).toBe('3');
  });

  test('renders deeply and leaves non-strings alone; the result shares nothing with the scope', () => {
    const rendered = renderTemplate(
      { to: '{{settings.channel}}', list: ['{{user.id}}', 2, true, null, { deep: '{{trigger.nested}}' }] },
      scope,
    ) as { list: [string, number, boolean, null, { deep: { ok: boolean } }] };
    expect(rendered).toEqual({ to: '#sales', list: ['user-1', 2, true, null, { deep: { ok: true } }] });
    rendered.list[4].deep.ok = false;
    expect(scope.trigger.nested.ok).toBe(true);
  });

  test('no code runs: placeholders are paths, not expressions', () => {
    expect(() => renderTemplate('{{ process.exit() }}', scope)).toThrow(/not a valid placeholder/);
    expect(renderTemplate('{{constructor.constructor}}', scope)).toBeUndefined();
  });

  test('a "__proto__" key in a template stays a plain key', () => {
    const rendered = renderTemplate(
      JSON.parse('{"__proto__": {"polluted": "{{user.id}}"}}'),
      scope,
    ) as object;
    expect(Object.getPrototypeOf(rendered)).toBe(Object.prototype);
    expect(Object.hasOwn(rendered, '__proto__')).toBe(true);
    expect(({} as { polluted?: string }).polluted).toBeUndefined();
  });
});
