import { z } from 'zod';
import { type ErrorCode, errorCodes } from './errorCode';

/** The one error body every endpoint answers with. `message` says what was wrong and how to fix it. */
export const errorBodySchema = z
  .object({
    message: z.string(),
    code: z.enum(errorCodes),
    status: z.number().int(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBodySchema>;

export type ErrorDetail = { path: string; message: string };

/** An expected failure with a code and HTTP status; rendered by the server's single error handler. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[] | undefined;

  constructor(code: ErrorCode, status: number, message: string, details?: ErrorDetail[]) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.details = details;
  }

  toBody(): ErrorBody {
    return {
      message: this.message,
      code: this.code,
      status: this.status,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

/** Flattens zod issues into `{ path, message }` pairs for an error body. */
export function zodIssuesToDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
}
