import { AppError } from '../../../platform/errors.ts';

/**
 * A problem with a whole report (wrong delimiter, no header, too large): no line of it can be
 * parsed. Thrown by `parseChunk`; `checkHeader` returns the same without throwing. Status 422 so a
 * push API can answer with it directly.
 */
export function reportError(code: string, message: string, hint?: string): AppError {
  return new AppError(code, message, 422, hint === undefined ? undefined : { hint });
}
