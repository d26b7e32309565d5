import { describe, expect, test } from 'vitest';
import { evaluateCondition } from './evaluateCondition';
import type { RenderedCondition } from './renderStepInput';

describe('evaluateCondition', () => {
  test.each<[RenderedCondition, boolean]>([
    [{ left: 5, op: 'equals', right: '5.0' }, true],
    [{ left: 'true', op: 'equals', right: true }, true],
    [{ left: 'a', op: 'equals', right: 'A' }, false],
    [{ left: { a: [1] }, op: 'equals', right: { a: [1] } }, true],
    [{ left: null, op: 'equals', right: null }, true],
    [{ left: null, op: 'equals', right: '' }, false],
    [{ left: 'x', op: 'notEquals', right: 'y' }, true],
    [{ left: ['a', 2], op: 'contains', right: '2' }, true],
    [{ left: 'hello world', op: 'contains', right: 'o w' }, true],
    [{ left: 'hello', op: 'contains', right: null }, false],
    [{ left: 42, op: 'contains', right: 4 }, false],
    [{ left: '10', op: 'gt', right: 9 }, true],
    [{ left: 'b', op: 'gt', right: 'a' }, true],
    [{ left: '2025-01-02T00:00:00Z', op: 'lt', right: '2025-01-10T00:00:00Z' }, true],
    [{ left: 'abc', op: 'gt', right: 1 }, false],
    [{ left: null, op: 'lt', right: 1 }, false],
    [{ left: 0, op: 'exists' }, true],
    [{ left: false, op: 'exists' }, true],
    [{ left: '', op: 'exists' }, false],
    [{ left: null, op: 'notExists' }, true],
    [
      {
        all: [
          { left: 1, op: 'exists' },
          { left: 2, op: 'gt', right: 1 },
        ],
      },
      true,
    ],
    [
      {
        all: [
          { left: 1, op: 'exists' },
          { left: null, op: 'exists' },
        ],
      },
      false,
    ],
    [{ any: [{ left: null, op: 'exists' }, { all: [{ left: 'x', op: 'equals', right: 'x' }] }] }, true],
  ])('%j → %s', (condition, expected) => {
    expect(evaluateCondition(condition)).toBe(expected);
  });
});
