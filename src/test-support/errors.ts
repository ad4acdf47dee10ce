import type { AppError } from '../platform/errors.ts';

/** The code of the AppError `fn` throws, or 'no error'. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as AppError).code;
  }
  return 'no error';
}

/** The `error.code` of an API error response's body. */
export async function responseCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}
