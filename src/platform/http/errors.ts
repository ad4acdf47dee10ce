import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError } from '../errors.ts';
import type { AppEnv } from './context.ts';

type Envelope = { error: { code: string; message: string; details?: unknown; requestId: string } };

/** Answers with Vigil's error envelope. */
export function errorResponse(c: Context<AppEnv>, err: AppError) {
  const body: Envelope = {
    error: { code: err.code, message: err.message, details: err.details, requestId: c.get('requestId') ?? '' },
  };
  return c.json(body, err.status as ContentfulStatusCode);
}

// Hono and its validators throw HTTPException for protocol-level problems; give them stable codes.
function fromHttpException(e: HTTPException): AppError {
  switch (e.status) {
    case 400:
      return new AppError('request.invalid_json', 'The request body is not valid JSON', 400);
    case 413:
      return new AppError('request.too_large', 'The request body is too large', 413);
    case 415:
      return new AppError('request.unsupported_media_type', 'The request body has an unsupported media type', 415);
    default:
      return new AppError(`http.${e.status}`, e.message || 'Request failed', e.status);
  }
}

/** The app's one error handler: AppError as is, protocol errors mapped, anything else a bare 500. */
export function handleError(err: Error, c: Context<AppEnv>) {
  if (err instanceof AppError) return errorResponse(c, err);
  if (err instanceof HTTPException) return errorResponse(c, fromHttpException(err));
  c.get('log')?.error({ err }, 'unhandled error');
  return errorResponse(c, new AppError('internal', 'Internal error', 500));
}
