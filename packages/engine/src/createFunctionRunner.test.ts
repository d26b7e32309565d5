import { describe, expect, test } from 'vitest';
import { createFunctionRunner } from './createFunctionRunner';
import { functionFormOf } from './functionSource';

const run = createFunctionRunner({ timeoutMs: 3000, maxMemoryMb: 64 });

describe('functionFormOf', () => {
  test.each([
    ['(input) => input.a', 'expression'],
    ['async ({ a }) => a', 'expression'],
    ['input => input.a', 'expression'],
    ['function (input) { return input.a; }', 'expression'],
    ['function named(parameters) { return 1 }', 'expression'],
    ['return input.a + 1;', 'body'],
    ['const x = await Promise.resolve(input.a);\nreturn x;', 'body'],
  ])('%s is a function %s', (code, form) => {
    expect(functionFormOf(code)).toEqual({ form });
  });

  test('a syntax error names the problem', () => {
    expect(functionFormOf('return input.a +')).toEqual({ error: expect.stringMatching(/^SyntaxError/) });
    expect(functionFormOf('(input) => {')).toEqual({ error: expect.stringMatching(/^SyntaxError/) });
  });
});

describe('createFunctionRunner', () => {
  test('runs an arrow function, a function body and an async function on a JSON copy of the input', async () => {
    const input = { a: 2, list: [1, 2, 3] };
    expect(
      await run({ code: '(input) => ({ sum: input.list.reduce((s, n) => s + n, input.a) })', input }),
    ).toEqual({
      ok: true,
      output: { sum: 8 },
      logs: [],
    });
    expect(
      await run({ code: 'const doubled = input.list.map((n) => n * 2);\nreturn doubled;', input }),
    ).toEqual({
      ok: true,
      output: [2, 4, 6],
      logs: [],
    });
    expect(await run({ code: 'async (input) => { await null; return input.a * 10; }', input })).toMatchObject(
      {
        ok: true,
        output: 20,
      },
    );
    expect(await run({ code: 'return;', input })).toMatchObject({ ok: true, output: undefined });
  });

  test('collects console lines', async () => {
    const result = await run({
      code: 'console.log("hello", { n: input.n }); console.warn(1); return 1;',
      input: { n: 5 },
    });
    expect(result).toEqual({ ok: true, output: 1, logs: ['[log] hello {"n":5}', '[warn] 1'] });
  });

  test('a thrown error is reported with its position in the user code', async () => {
    const result = await run({ code: 'const a = 1;\nreturn input.missing.field;', input: {} });
    expect(result).toEqual({
      ok: false,
      error: {
        kind: 'threw',
        message: expect.stringMatching(
          /^TypeError: Cannot read properties of undefined.*\(line 2, column \d+\)$/,
        ),
      },
      logs: [],
    });
    expect(await run({ code: 'throw "plain"', input: {} })).toMatchObject({
      ok: false,
      error: { kind: 'threw', message: 'the code threw "plain"' },
    });
  });

  test('a syntax error, or an expression that is not a function, is reported as such', async () => {
    expect(await run({ code: 'return {', input: {} })).toMatchObject({
      ok: false,
      error: { kind: 'syntax', message: expect.stringMatching(/^SyntaxError/) },
    });
    expect(await run({ code: '(42)', input: {} })).toMatchObject({
      ok: false,
      error: { kind: 'syntax', message: expect.stringMatching(/not a function/) },
    });
  });

  test('an endless loop is stopped at the timeout, sync or async; a dead promise ends', async () => {
    const quick = createFunctionRunner({ timeoutMs: 500 });
    const started = Date.now();
    expect(await quick({ code: 'while (true) {}', input: {} })).toMatchObject({
      ok: false,
      error: { kind: 'timeout', message: expect.stringMatching(/did not finish within 500 ms/) },
    });
    expect(await quick({ code: 'for (;;) { await null; }', input: {} })).toMatchObject({
      ok: false,
      error: { kind: 'timeout' },
    });
    // A promise nothing can settle ends as soon as the worker has nothing left to do.
    expect(await quick({ code: 'return new Promise(() => {});', input: {} })).toMatchObject({
      ok: false,
      error: { kind: 'unsettled', message: expect.stringMatching(/never settles/) },
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('an allocation bomb is stopped at the memory limit', async () => {
    const result = await run({
      code: 'const hoard = []; for (;;) { hoard.push(new Array(100000).fill(hoard.length)); }',
      input: {},
    });
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'memory', message: expect.stringMatching(/more than its 64 MB/) },
    });
  });

  test('runaway recursion is a thrown RangeError', async () => {
    expect(await run({ code: 'const f = (n) => f(n + 1) + 1; return f(0);', input: {} })).toMatchObject({
      ok: false,
      error: { kind: 'threw', message: expect.stringMatching(/^RangeError: Maximum call stack/) },
    });
  });

  test('the code sees only JavaScript built-ins: no process, require, env, timers or code from strings', async () => {
    const probe = `return {
      process: typeof process,
      require: typeof require,
      fetch: typeof fetch,
      setTimeout: typeof setTimeout,
      globalKeys: Object.keys(globalThis).sort(),
    };`;
    expect(await run({ code: probe, input: {} })).toEqual({
      ok: true,
      output: {
        process: 'undefined',
        require: 'undefined',
        fetch: 'undefined',
        setTimeout: 'undefined',
        globalKeys: ['console'],
      },
      logs: [],
    });
    expect(await run({ code: 'return eval("1 + 1")', input: {} })).toMatchObject({
      ok: false,
      error: {
        kind: 'threw',
        message: expect.stringMatching(/EvalError: Code generation from strings disallowed/),
      },
    });
    // console's functions belong to the code's own realm: their constructor cannot reach the worker.
    expect(
      await run({ code: 'return console.log.constructor("return typeof process")()', input: {} }),
    ).toMatchObject({ ok: false, error: { kind: 'threw', message: expect.stringMatching(/EvalError/) } });
    expect(
      await run({ code: 'return ({}).constructor.constructor("return process")()', input: {} }),
    ).toMatchObject({ ok: false, error: { kind: 'threw', message: expect.stringMatching(/EvalError/) } });
  });

  test('outputs must be JSON and not too large', async () => {
    expect(await run({ code: 'return 10n', input: {} })).toMatchObject({
      ok: false,
      error: { kind: 'output', message: expect.stringMatching(/not JSON/) },
    });
    const small = createFunctionRunner({ maxOutputBytes: 100 });
    expect(await small({ code: 'return "x".repeat(200)', input: {} })).toMatchObject({
      ok: false,
      error: { kind: 'output', message: expect.stringMatching(/the limit is 100/) },
    });
  });
});
