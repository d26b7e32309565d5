/** What went wrong in a step; recorded in the execution state and, with `continueOnFailure`, as its output. */
export type StepError = {
  message: string;
  /** An AppError code or a kind such as "timeout", when there is one. */
  code?: string;
  /** The HTTP status of a failed request. */
  status?: number;
  /** The body of a failed request's response. */
  body?: unknown;
};

/**
 * The result of one attempt of one step. `retryable` says whether another attempt could succeed
 * (network errors, 429, 5xx, timeouts); `retryAfterMs` is the server's own hint (Retry-After).
 */
export type StepOutcome =
  | { ok: true; output: unknown; logs?: string[] }
  | { ok: false; error: StepError; retryable: boolean; retryAfterMs?: number; logs?: string[] };
