/**
 * A value that failed validation. Validators on the hot path return it instead of throwing or
 * wrapping every good value in a result object; `instanceof Invalid` tells the two apart.
 */
export class Invalid {
  readonly code: string;
  readonly message: string;
  constructor(code: string, message: string) {
    this.code = code;
    this.message = message;
  }
}

/** Shortens a value for an error message (at most `max` characters). */
export function excerptOf(value: unknown, max = 60): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
