import type { UserMeta } from '@switchboard/contracts';

/**
 * Normalizes user metadata the way the official client does before sending it: keys are trimmed,
 * any-case `name` becomes `Name` and any-case `email` becomes `Email` (the two keys the dashboard
 * shows). Values are kept as given; empty keys are dropped.
 */
export function normalizeUserMeta(meta: Readonly<Record<string, unknown>>): UserMeta {
  const normalized: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(meta)) {
    const trimmed = rawKey.trim();
    if (trimmed === '') continue;
    const lower = trimmed.toLowerCase();
    const key = lower === 'name' ? 'Name' : lower === 'email' ? 'Email' : trimmed;
    normalized[key] = value;
  }
  // The values travel as JSON; whatever JSON.stringify makes of them is what the server stores.
  return normalized as UserMeta;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  const aKeys = Object.keys(aRecord);
  if (aKeys.length !== Object.keys(bRecord).length) return false;
  return aKeys.every((key) => Object.hasOwn(bRecord, key) && jsonEqual(aRecord[key], bRecord[key]));
}

/** True when shallow-merging `update` into `current` (what PATCH /sdk/me does) would change it. */
export function userMetaWouldChange(current: Readonly<UserMeta>, update: Readonly<UserMeta>): boolean {
  return Object.entries(update).some(
    ([key, value]) => !Object.hasOwn(current, key) || !jsonEqual(current[key], value),
  );
}
