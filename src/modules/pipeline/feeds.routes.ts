import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../platform/errors.ts';
import { errorResponse } from '../../platform/http/errors.ts';
import { createRouter, errors, IdParam, json, jsonBody, SECURITY } from '../../platform/http/openapi.ts';
import { actorOf, requirePermission } from '../auth/index.ts';
import { CreateFeedRequest, FeedErrorList, FeedList, FeedSchema, PushResult, ReportList, toFeed, UpdateFeedRequest } from './feeds.schemas.ts';
import type { FeedsService } from './feeds.service.ts';
import type { FeedReportRow } from './pipeline.tables.ts';
import type { Collectors } from './collect/index.ts';

const tags = ['feeds'];
const ErrorsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100).openapi({ param: { name: 'limit', in: 'query' } }),
  before: z.coerce.number().int().min(1).optional().openapi({ param: { name: 'before', in: 'query' }, description: 'Errors older than this id (the previous page\'s last id)' }),
});

const routes = {
  list: createRoute({ method: 'get', path: '/feeds', tags, summary: 'Feeds with their status', security: SECURITY, responses: { 200: json(FeedList, 'Feeds'), ...errors(401, 403) } }),
  get: createRoute({ method: 'get', path: '/feeds/{id}', tags, summary: 'One feed', security: SECURITY, request: { params: IdParam }, responses: { 200: json(FeedSchema, 'Feed'), ...errors(401, 403, 404) } }),
  create: createRoute({ method: 'post', path: '/feeds', tags, summary: 'Create a feed (parser, rules and dedup validated; pulled URLs must be public)', security: SECURITY, request: { body: jsonBody(CreateFeedRequest) }, responses: { 201: json(FeedSchema, 'Created'), ...errors(400, 401, 403, 409) } }),
  update: createRoute({ method: 'patch', path: '/feeds/{id}', tags, summary: 'Change a feed (optimistic: send its version)', security: SECURITY, request: { params: IdParam, body: jsonBody(UpdateFeedRequest) }, responses: { 200: json(FeedSchema, 'Changed'), ...errors(400, 401, 403, 404, 409) } }),
  delete: createRoute({ method: 'delete', path: '/feeds/{id}', tags, summary: 'Delete a feed with its reports and error log (stored events stay)', security: SECURITY, request: { params: IdParam }, responses: { 204: { description: 'Deleted' }, ...errors(401, 403, 404) } }),
  errors: createRoute({ method: 'get', path: '/feeds/{id}/errors', tags, summary: 'The feed\'s error log, newest first', security: SECURITY, request: { params: IdParam, query: ErrorsQuery }, responses: { 200: json(FeedErrorList, 'Errors'), ...errors(400, 401, 403, 404) } }),
  reports: createRoute({ method: 'get', path: '/feeds/{id}/reports', tags, summary: 'The feed\'s latest raw reports', security: SECURITY, request: { params: IdParam }, responses: { 200: json(ReportList, 'Reports'), ...errors(401, 403, 404) } }),
  run: createRoute({ method: 'post', path: '/feeds/{id}/run', tags, summary: 'Run a pulled feed or poll a drop feed now', security: SECURITY, request: { params: IdParam }, responses: { 200: json(z.object({ result: z.string(), reportIds: z.array(z.uuid()), error: z.string().optional() }).openapi('FeedRun'), 'Run'), ...errors(401, 403, 404, 409) } }),
  push: createRoute({
    method: 'post',
    path: '/feeds/{id}/reports',
    tags,
    summary: 'Push a raw report (any content type, streamed, stored before the answer; the same content again answers duplicate)',
    security: SECURITY,
    request: { params: IdParam },
    responses: { 201: json(PushResult, 'Stored'), 200: json(PushResult, 'Already stored (duplicate)'), ...errors(401, 403, 404, 409, 413, 422), 503: json(z.object({}).passthrough(), 'Back-pressure: retry after Retry-After seconds') },
  }),
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const toReport = (r: FeedReportRow) => ({
  id: r.id, sha256: r.sha256, bytes: Number(r.bytes), lines: Number(r.lines), chunks: r.chunks, state: r.state, source: r.source, sourceRef: r.source_ref,
  events: r.events, errors: r.errors, receivedAt: r.received_at.toISOString(), storedAt: iso(r.stored_at), finishedAt: iso(r.finished_at),
});

/** Feeds API: configuration (analysts, admins), error log, reports, manual runs and the push endpoint. */
export function feedsRoutes(deps: { feeds: FeedsService; collectors: Collectors }) {
  const { feeds, collectors } = deps;
  const router = createRouter();
  router.openapi(routes.list, async (c) => {
    requirePermission(c, 'feeds:read');
    return c.json({ items: (await feeds.list()).map(toFeed) }, 200);
  });
  router.openapi(routes.get, async (c) => {
    requirePermission(c, 'feeds:read');
    return c.json(toFeed(await feeds.get(c.req.valid('param').id)), 200);
  });
  router.openapi(routes.create, async (c) => {
    requirePermission(c, 'feeds:write');
    return c.json(toFeed(await feeds.create(c.req.valid('json'), actorOf(c))), 201);
  });
  router.openapi(routes.update, async (c) => {
    requirePermission(c, 'feeds:write');
    return c.json(toFeed(await feeds.update(c.req.valid('param').id, c.req.valid('json'), actorOf(c))), 200);
  });
  router.openapi(routes.delete, async (c) => {
    requirePermission(c, 'feeds:write');
    await feeds.delete(c.req.valid('param').id, actorOf(c));
    return c.body(null, 204);
  });
  router.openapi(routes.errors, async (c) => {
    requirePermission(c, 'feeds:read');
    const { limit, before } = c.req.valid('query');
    const rows = await feeds.errors(c.req.valid('param').id, before ?? null, limit + 1);
    const page = rows.slice(0, limit);
    const items = page.map((r) => ({ id: r.id, reportId: r.report_id, line: r.line, code: r.code, field: r.field, message: r.message, excerpt: r.excerpt, createdAt: r.created_at.toISOString() }));
    return c.json({ items, nextCursor: rows.length > limit ? String(page.at(-1)?.id) : null }, 200);
  });
  router.openapi(routes.reports, async (c) => {
    requirePermission(c, 'feeds:read');
    return c.json({ items: (await feeds.reports(c.req.valid('param').id, 100)).map(toReport) }, 200);
  });
  router.openapi(routes.run, async (c) => {
    requirePermission(c, 'feeds:write');
    const feed = await feeds.get(c.req.valid('param').id);
    return c.json(await collectors.runNow(feed), 200);
  });
  router.openapi(routes.push, async (c) => {
    requirePermission(c, 'feeds:push');
    const feed = await feeds.get(c.req.valid('param').id);
    if (await collectors.isBackedUp()) {
      c.header('Retry-After', String(collectors.retryAfterSeconds));
      return errorResponse(c, new AppError('pipeline.backpressure', 'The event pipeline is busy; retry later', 503, { retryAfterSeconds: collectors.retryAfterSeconds })) as never;
    }
    const body = c.req.raw.body;
    if (!body) throw new AppError('feed.report_empty', 'Send the report as the request body', 400);
    const stored = await collectors.push(feed, body, actorOf(c).label);
    return c.json(stored, stored.duplicate ? 200 : 201);
  });
  return router;
}
