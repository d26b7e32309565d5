import { Script } from 'node:vm';

/**
 * A function step's `code` is either a function expression (`(input) => …`, `async (input) => …`,
 * `function (input) { … }`) or a function body that uses `input` and `return`s. Each form is compiled
 * inside a wrapper; the body wrapper adds one line, hence its line offset (error positions then match
 * the user's own lines).
 */
export const functionForms = {
  expression: { prefix: '(', suffix: '\n)', lineOffset: 0 },
  body: { prefix: '(async function (input) {\n', suffix: '\n})', lineOffset: -1 },
} as const;
export type FunctionForm = keyof typeof functionForms;

/** When the code compiles both ways, it is an expression only if it starts like a function. */
export const expressionStartPattern = /^\s*(?:async\b|function\b|\(|[A-Za-z_$][\w$]*\s*=>)/;

/** The file name shown in error positions of function steps. */
export const functionFileName = 'function-step.js';

function compileError(source: string, lineOffset: number): string | undefined {
  try {
    new Script(source, { filename: functionFileName, lineOffset });
    return undefined;
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
}

/**
 * Which form the code is in, or the syntax error to report. Compiling runs nothing; the worker makes
 * the same choice before it runs the code (functionWorkerSource.ts).
 */
export function functionFormOf(code: string): { form: FunctionForm } | { error: string } {
  const { expression, body } = functionForms;
  const asExpression = compileError(expression.prefix + code + expression.suffix, expression.lineOffset);
  const asBody = compileError(body.prefix + code + body.suffix, body.lineOffset);
  const looksLikeExpression = expressionStartPattern.test(code);
  if (asExpression === undefined && (looksLikeExpression || asBody !== undefined))
    return { form: 'expression' };
  if (asBody === undefined) return { form: 'body' };
  return { error: (looksLikeExpression ? asExpression : asBody) ?? 'SyntaxError' };
}
