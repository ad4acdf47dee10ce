/**
 * The one error type of Vigil. `code` is stable and is what clients and tests rely on;
 * `status` is the HTTP status the API answers with; `details` is safe to show to the caller.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;

  constructor(code: string, message: string, status = 400, details: unknown = undefined) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** 404 with the given code; used for objects that do not exist or that the caller may not see. */
export function notFound(code: string, message: string): AppError {
  return new AppError(code, message, 404);
}

/** 400 `validation.failed` with a list of `{ path, message }` issues. */
export function validationFailed(issues: { path: string; message: string }[]): AppError {
  return new AppError('validation.failed', 'The request is not valid', 400, { issues });
}

/** 403 `auth.forbidden`. */
export function forbidden(message = 'You may not do this'): AppError {
  return new AppError('auth.forbidden', message, 403);
}

/** True when `err` is the PostgreSQL error for a unique constraint violation. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string; message?: string } | null;
  if (!e || e.code !== '23505') return false;
  if (!constraint) return true;
  return e.constraint === constraint || (e.message ?? '').includes(constraint);
}
