import type { JsonValue } from './executionState';

/**
 * A copy of a value as plain JSON (what a store reads back), so that a state that was persisted and
 * one that was not behave the same. Undefined stays undefined; throws on cycles and BigInt.
 */
export function toJsonValue(value: unknown): JsonValue | undefined {
  if (value === undefined) return undefined;
  const json = JSON.stringify(value);
  return json === undefined ? undefined : (JSON.parse(json) as JsonValue);
}
