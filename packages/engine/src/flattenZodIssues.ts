import type { ErrorDetail } from '@switchboard/contracts';
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

function joinPath(path: readonly PropertyKey[]): string {
  return path.length > 0 ? path.map(String).join('.') : '(root)';
}

/** A branch failed on the value's own type or keys: the value was not meant for that branch. */
function isWrongBranch(issues: readonly Issue[]): boolean {
  return issues.some(
    (issue) =>
      issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'unrecognized_keys'),
  );
}

/**
 * zod issues as `{ path, message }`, with unions resolved to the branch the value was evidently meant
 * for (the one that got past the value's type and keys, with the fewest issues), so that a typo deep
 * in a condition reads "steps.2.condition.all.0.op: Invalid option…" rather than "Invalid input".
 */
export function flattenZodIssues(
  issues: readonly Issue[],
  prefix: readonly PropertyKey[] = [],
): ErrorDetail[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const candidates = issue.errors.filter((branch) => !isWrongBranch(branch));
      const best = candidates.sort((a, b) => a.length - b.length)[0];
      if (best !== undefined) return flattenZodIssues(best, path);
      const missing = issue.errors.every((branch) =>
        branch.some((inner) => inner.code === 'invalid_type' && /received undefined/.test(inner.message)),
      );
      if (missing) return [{ path: joinPath(path), message: 'Required: this field is missing' }];
    }
    return [{ path: joinPath(path), message: issue.message }];
  });
}
