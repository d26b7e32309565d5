import { expressionStartPattern, functionFileName, functionForms } from './functionSource';

/**
 * The script a function step's worker thread runs (`new Worker(source, { eval: true })`: a string, so
 * it works the same from TypeScript sources under Vitest and from the server bundle).
 *
 * Inside the worker the user's code runs in a fresh `vm` context: only JavaScript's built-ins and a
 * `console` whose lines are collected; no `require`, `process`, timers or network, and no code
 * generation from strings (`eval`, `new Function`). The host's `emit` is only reachable through a
 * closure made in the context, so user code never holds a function of the worker's own realm.
 * A vm context is not a security boundary on its own; the worker's memory limits, the parent's
 * timeout and the empty environment are what bound the code.
 *
 * Protocol: workerData `{ code, inputJson, maxOutputBytes }`; one message back:
 * `{ ok: true, outputJson, logs }` or `{ ok: false, kind, message, logs }`.
 */
export const functionWorkerSource = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const vm = require('node:vm');
const forms = ${JSON.stringify(functionForms)};
const expressionStart = new RegExp(${JSON.stringify(expressionStartPattern.source)});
const fileName = ${JSON.stringify(functionFileName)};
const maxLogLines = 100;
const maxLogLineLength = 2000;
const logs = [];

function asText(value) {
  if (typeof value === 'string') return value;
  try {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : json;
  } catch {
    return String(value);
  }
}

function describe(error) {
  if (error !== null && typeof error === 'object' && typeof error.message === 'string') {
    const name = typeof error.name === 'string' ? error.name : 'Error';
    const stack = typeof error.stack === 'string' ? error.stack : '';
    const at = stack.match(/function-step\\.js:(\\d+):(\\d+)/);
    return name + ': ' + error.message + (at ? ' (line ' + at[1] + ', column ' + at[2] + ')' : '');
  }
  return 'the code threw ' + (typeof error === 'string' ? JSON.stringify(error) : asText(error));
}

function compile(code) {
  const attempts = {};
  for (const form of ['expression', 'body']) {
    const { prefix, suffix, lineOffset } = forms[form];
    try {
      attempts[form] = { script: new vm.Script(prefix + code + suffix, { filename: fileName, lineOffset }) };
    } catch (error) {
      attempts[form] = { error: describe(error) };
    }
  }
  const looksLikeExpression = expressionStart.test(code);
  if (attempts.expression.script && (looksLikeExpression || !attempts.body.script)) return attempts.expression;
  if (attempts.body.script) return attempts.body;
  return { error: looksLikeExpression ? attempts.expression.error : attempts.body.error };
}

async function run() {
  const { code, inputJson, maxOutputBytes } = workerData;
  const compiled = compile(code);
  if (!compiled.script) return { ok: false, kind: 'syntax', message: compiled.error };
  const context = vm.createContext({}, { name: 'function step', codeGeneration: { strings: false, wasm: false } });
  const install = vm.runInContext(
    '(function (emit) {' +
      ' const line = (level) => (...args) => emit(level, args);' +
      ' globalThis.console = { log: line("log"), info: line("info"), warn: line("warn"), error: line("error"), debug: line("debug") };' +
      ' return JSON.parse;' +
      '})',
    context,
  );
  const parseInContext = install((level, args) => {
    if (logs.length >= maxLogLines) return;
    logs.push(('[' + level + '] ' + Array.from(args, asText).join(' ')).slice(0, maxLogLineLength));
  });
  let fn;
  try {
    fn = compiled.script.runInContext(context);
  } catch (error) {
    return { ok: false, kind: 'threw', message: describe(error) };
  }
  if (typeof fn !== 'function') {
    return {
      ok: false,
      kind: 'syntax',
      message: 'the code is an expression, not a function: write "(input) => …" or a function body that returns a value',
    };
  }
  let result;
  try {
    result = await fn(inputJson === undefined ? undefined : parseInContext(inputJson));
  } catch (error) {
    return { ok: false, kind: 'threw', message: describe(error) };
  }
  let outputJson;
  try {
    outputJson = JSON.stringify(result);
  } catch (error) {
    return { ok: false, kind: 'output', message: 'the returned value is not JSON: ' + describe(error) };
  }
  if (outputJson !== undefined && Buffer.byteLength(outputJson) > maxOutputBytes) {
    return {
      ok: false,
      kind: 'output',
      message: 'the returned value is ' + Buffer.byteLength(outputJson) + ' bytes of JSON; the limit is ' + maxOutputBytes,
    };
  }
  return { ok: true, outputJson };
}

run().then(
  (result) => parentPort.postMessage({ ...result, logs }),
  (error) => parentPort.postMessage({ ok: false, kind: 'crashed', message: describe(error), logs }),
);
`;
