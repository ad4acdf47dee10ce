/** Outcome of a parse or validation that never throws. */
export type Result<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/** Error half of {@link Result}, usable as a Result of any type. */
export type Failure = { ok: false; code: string; message: string };

/** Wraps a value as a successful {@link Result}. */
export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** Builds a failed {@link Result} with a stable machine-readable code and a human message. */
export function fail(code: string, message: string): Failure {
  return { ok: false, code, message };
}
