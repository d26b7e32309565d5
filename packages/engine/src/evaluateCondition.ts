import type { RenderedCondition } from './renderStepInput';

function isNumeric(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
}

/**
 * Loose equality, because templates often turn numbers into text: numbers and numeric strings compare
 * as numbers (`5` equals `"5.0"`), other scalars by their text (`true` equals `"true"`), objects and
 * arrays by their JSON, and null only equals null (a missing value renders as null).
 */
export function looselyEqual(left: unknown, right: unknown): boolean {
  if (left === null || left === undefined || right === null || right === undefined) {
    return (left ?? null) === (right ?? null);
  }
  if (typeof left === 'object' || typeof right === 'object')
    return JSON.stringify(left) === JSON.stringify(right);
  if (isNumeric(left) && isNumeric(right)) return Number(left) === Number(right);
  return String(left) === String(right);
}

function compare(left: unknown, right: unknown): number | undefined {
  if (isNumeric(left) && isNumeric(right)) return Number(left) - Number(right);
  // Text compares by code points, so ISO 8601 timestamps in the same zone compare by time.
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  return undefined;
}

/**
 * Evaluates a rendered condition.
 * - `exists`: the value is not missing, null or ""; `notExists` is its negation.
 * - `contains`: an array holding an element equal to `right`, or a string containing `right`'s text.
 * - `gt`/`lt`: numbers (and numeric strings) by value, other strings by text; anything else is false.
 * - `all` of conditions holds when each holds; `any` when at least one does.
 */
export function evaluateCondition(condition: RenderedCondition): boolean {
  if ('all' in condition) return condition.all.every(evaluateCondition);
  if ('any' in condition) return condition.any.some(evaluateCondition);
  const { left, op, right } = condition;
  switch (op) {
    case 'exists':
      return left !== undefined && left !== null && left !== '';
    case 'notExists':
      return left === undefined || left === null || left === '';
    case 'equals':
      return looselyEqual(left, right);
    case 'notEquals':
      return !looselyEqual(left, right);
    case 'contains':
      if (Array.isArray(left)) return left.some((element) => looselyEqual(element, right));
      if (typeof left === 'string' && right !== undefined && right !== null) {
        return left.includes(typeof right === 'string' ? right : JSON.stringify(right));
      }
      return false;
    case 'gt': {
      const order = compare(left, right);
      return order !== undefined && order > 0;
    }
    case 'lt': {
      const order = compare(left, right);
      return order !== undefined && order < 0;
    }
  }
}
