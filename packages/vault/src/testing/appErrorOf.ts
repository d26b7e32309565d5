import { AppError } from '@switchboard/contracts';

/** The AppError a promise rejects with, or a function throws (fails the test otherwise). */
export async function appErrorOf(action: Promise<unknown> | (() => unknown)): Promise<AppError> {
  let error: unknown;
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (caught) {
    error = caught;
  }
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}
