import { createRoute } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../../platform/errors.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { limitBody } from '../../platform/http/middleware.ts';
import { createRouter, errors, json, jsonBody } from '../../platform/http/openapi.ts';
import { CATEGORY_KEYS } from './categories.ts';
import { gated, type Gate } from './gate.ts';
import { readMultipart, type FileLimits } from './intake.form.ts';
import type { Client, IntakeService } from './intake.service.ts';
import { PowChallenge, PublicStatus, ReportReceipt, ReportSubmission, StatusRequest } from './reports.schemas.ts';

export type BodyLimits = FileLimits & { maxJsonBytes: number; maxMultipartBytes: number };

const tags = ['reports (public)'];
const MULTIPART = 'multipart/form-data';

const mediaType = (c: Context) => (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/** JSON or multipart only, each with its own body limit (413 past it). */
function submissionBody(limits: BodyLimits): MiddlewareHandler<AppEnv> {
  const json = limitBody(limits.maxJsonBytes);
  const multipart = limitBody(limits.maxMultipartBytes);
  return async (c, next) => {
    const type = mediaType(c);
    if (type === 'application/json') return json(c, next);
    if (type === MULTIPART) return multipart(c, next);
    throw new AppError('request.unsupported_media_type', 'Send the report as application/json or multipart/form-data', 415, { allowed: ['application/json', MULTIPART] });
  };
}

/** Copies `retryAfterSeconds` of a 429 into a Retry-After header. */
async function withRetryAfter<T>(c: Context, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const seconds = err instanceof AppError ? (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds : undefined;
    if (seconds) c.header('Retry-After', String(seconds));
    throw err;
  }
}

const multipartSchema = {
  type: 'object' as const,
  required: ['category', 'powChallenge', 'powNonce'],
  properties: {
    category: { type: 'string' as const, enum: [...CATEGORY_KEYS] },
    description: { type: 'string' as const },
    observables: { type: 'array' as const, items: { type: 'string' as const }, description: 'Repeat the field, or one observable per line' },
    contactName: { type: 'string' as const },
    contactEmail: { type: 'string' as const },
    contactPhone: { type: 'string' as const },
    website: { type: 'string' as const, description: 'Leave empty' },
    powChallenge: { type: 'string' as const },
    powNonce: { type: 'string' as const },
    attachments: { type: 'array' as const, items: { type: 'string' as const, format: 'binary' } },
  },
};

/** Public endpoints (no sign-in): proof-of-work challenge, report intake, status by tracking code. */
export function reportsPublicRoutes(deps: { intake: IntakeService; gate: Gate; limits: BodyLimits; clientIp: (c: Context) => string }) {
  const { intake, gate, limits } = deps;
  const router = createRouter();
  const client = (c: Context<AppEnv>): Client => ({ ip: deps.clientIp(c), userAgent: c.req.header('user-agent') ?? null, requestId: c.get('requestId') ?? '' });

  const challenge = createRoute({
    method: 'get',
    path: '/reports/challenge',
    tags,
    summary: 'A proof-of-work challenge for the next report (signed, expires in minutes)',
    responses: { 200: json(PowChallenge, 'Find a nonce such that SHA-256(challenge + nonce) has `difficulty` leading zero bits') },
  });
  const submit = createRoute({
    method: 'post',
    path: '/reports',
    tags,
    summary: 'File a report without an account (JSON, or multipart/form-data with attachments)',
    description: `At most ${limits.maxFiles} attachments of ${limits.maxFileBytes} bytes each and ${limits.maxMultipartBytes} bytes in all. The secret in the answer is shown once.`,
    middleware: [gated(gate), submissionBody(limits)],
    request: { body: { required: false, content: { 'application/json': { schema: ReportSubmission }, [MULTIPART]: { schema: multipartSchema } } } },
    responses: { 201: json(ReportReceipt, 'Received'), ...errors(400, 413, 415, 429), 503: { description: 'Busy: try again in a few seconds' } },
  });
  const status = createRoute({
    method: 'post',
    path: '/reports/status',
    tags,
    summary: 'The status of a report, by tracking code and secret',
    middleware: [gated(gate), limitBody(4096)],
    request: { body: jsonBody(StatusRequest) },
    responses: { 200: json(PublicStatus, 'Status'), ...errors(400, 404, 429), 503: { description: 'Busy: try again in a few seconds' } },
  });

  router.openapi(challenge, async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await intake.challenge(), 200);
  });
  router.openapi(submit, async (c) => {
    const { form, files } = mediaType(c) === MULTIPART ? await readMultipart(c, limits) : { form: c.req.valid('json' as never) as ReportSubmission, files: [] };
    const receipt = await withRetryAfter(c, () => intake.submit(form, files, client(c)));
    c.header('Cache-Control', 'no-store');
    return c.json(receipt, 201);
  });
  router.openapi(status, async (c) => {
    const answer = await withRetryAfter(c, () => intake.status(c.req.valid('json'), client(c)));
    c.header('Cache-Control', 'no-store');
    return c.json(answer, 200);
  });
  return router;
}
