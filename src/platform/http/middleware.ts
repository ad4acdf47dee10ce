import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { AppEnv } from './context.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Takes a well-formed `X-Request-Id` from the caller or makes one; logs one line per request. */
export function requestContext(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const child = log.child({ requestId });
    c.set('requestId', requestId);
    c.set('log', child);
    c.header('X-Request-Id', requestId);
    const started = performance.now();
    await next();
    const ms = Math.round((performance.now() - started) * 10) / 10;
    child.info({ method: c.req.method, path: c.req.path, status: c.res.status, ms }, 'request');
  };
}

/** 413 `request.too_large` past `maxSize` bytes, whether or not Content-Length was sent. */
export function limitBody(maxSize: number): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError('request.too_large', `The request body is larger than ${maxSize} bytes`, 413, { maxBytes: maxSize });
    },
  });
}

/** 415 for a body whose media type is not one of `allowed`. */
export function requireMediaType(allowed: string[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      const hasBody = c.req.header('content-length') !== '0' && (c.req.header('content-length') || c.req.header('transfer-encoding'));
      const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (hasBody && !allowed.includes(type)) {
        throw new AppError('request.unsupported_media_type', `Send the body as ${allowed.join(' or ')}`, 415, { allowed });
      }
    }
    await next();
  };
}
