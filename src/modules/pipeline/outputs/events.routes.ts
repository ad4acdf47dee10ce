import { isIP } from 'node:net';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Clock } from '../../../platform/clock.ts';
import { AppError } from '../../../platform/errors.ts';
import type { AppEnv } from '../../../platform/http/context.ts';
import { decodeCursor, encodeCursor } from '../../../platform/http/cursor.ts';
import { createRouter, errors, SECURITY } from '../../../platform/http/openapi.ts';
import { requireUser } from '../../auth/index.ts';
import { CONTENT_TYPES, EVENT_FORMATS, negotiateFormat, toApiEvent, type EventFormat } from './events.format.ts';
import type { EventCursor } from './events.repository.ts';
import type { EventAnswer, EventQuery, EventsService } from './events.service.ts';

const MAX_JSON_PAGE = 1000;
const MAX_STREAM = 1_000_000;
const DAY_MS = 86_400_000;

const q = (name: string, description: string) => ({ param: { name, in: 'query' as const }, description });

const ipOrCidr = z
  .string()
  .max(64)
  .refine((v) => {
    const [addr = '', bits, ...more] = v.split('/');
    const family = isIP(addr);
    if (!family || more.length) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  }, 'must be an IP address or a CIDR such as 198.18.0.0/15');

const Common = {
  since: z.iso.datetime({ offset: true }).optional().openapi(q('since', 'Start of the range on time.observation (inclusive); default: 24 hours before `until`')),
  until: z.iso.datetime({ offset: true }).optional().openapi(q('until', 'End of the range (exclusive); default: now')),
  format: z.enum(EVENT_FORMATS).optional().openapi(q('format', 'json (default; or by Accept), jsonl, csv, intelmq (one IntelMQ event JSON per line)')),
  limit: z.coerce.number().int().min(1).max(MAX_STREAM).optional().openapi(q('limit', `JSON: page size (default 100, at most ${MAX_JSON_PAGE}); streamed formats: at most this many events (default and maximum ${MAX_STREAM})`)),
  cursor: z.string().max(512).optional().openapi(q('cursor', 'Continue after a previous answer (nextCursor, or the X-Next-Cursor header of a stream)')),
  taxonomy: z.string().max(100).optional().openapi(q('taxonomy', 'classification.taxonomy')),
  type: z.string().max(100).optional().openapi(q('type', 'classification.type')),
  ip: ipOrCidr.optional().openapi(q('ip', 'source.ip: an address or a CIDR')),
  asn: z.coerce.number().int().min(0).max(4294967295).optional().openapi(q('asn', 'source.asn')),
  order: z.enum(['asc', 'desc']).optional().openapi(q('order', 'By time.observation then id; asc by default on /me/events, desc on /events')),
};
const OwnQuery = z.object(Common);
const AnalystQuery = z.object({
  ...Common,
  organizationId: z.uuid().optional().openapi(q('organizationId', 'Owner organization')),
  feedId: z.uuid().optional().openapi(q('feedId', 'Feed')),
});

const EventSchema = z
  .object({
    id: z.string(),
    timeObservation: z.iso.datetime(),
    timeSource: z.iso.datetime().nullable(),
    feedId: z.uuid(),
    organizationId: z.uuid().nullable(),
    classification: z.object({ taxonomy: z.string(), type: z.string() }),
    source: z.object({ ip: z.string().nullable(), port: z.number().nullable(), asn: z.number().nullable(), fqdn: z.string().nullable(), url: z.string().nullable(), cc: z.string().nullable() }),
    tlp: z.string(),
    event: z.record(z.string(), z.unknown()).openapi({ description: 'The harmonized event with IntelMQ field names' }),
  })
  .openapi('Event');
const EventPage = z.object({ items: z.array(EventSchema), nextCursor: z.string().nullable() }).openapi('EventPage');

const content = {
  'application/json': { schema: EventPage },
  'application/x-ndjson': { schema: z.string().openapi({ description: 'One event per line (jsonl or intelmq)' }) },
  'text/csv': { schema: z.string().openapi({ description: 'IntelMQ field names as columns' }) },
};
const tags = ['events'];
const routes = {
  list: createRoute({ method: 'get', path: '/events', tags, summary: 'Events (analysts: all; center operators: their organizations), filtered and keyset-paged', security: SECURITY, request: { query: AnalystQuery }, responses: { 200: { description: 'Events', content }, ...errors(400, 401, 403) } }),
  own: createRoute({ method: 'get', path: '/me/events', tags, summary: "Pull API: the caller's own organization's events in a time range (JSON, JSON Lines, CSV, IntelMQ JSON)", security: SECURITY, request: { query: OwnQuery }, responses: { 200: { description: 'Events', content }, ...errors(400, 401, 403) } }),
};

const isCursor = (v: unknown): v is EventCursor => {
  const c = v as Partial<EventCursor> | null;
  return typeof c?.t === 'string' && !Number.isNaN(Date.parse(c.t)) && typeof c.i === 'string' && /^\d{1,19}$/.test(c.i);
};

type Common = z.infer<typeof OwnQuery>;

function toQuery(v: Common, clock: Clock, defaultOrder: 'asc' | 'desc', format: EventFormat): EventQuery {
  const until = v.until ? new Date(v.until) : clock.now();
  const since = v.since ? new Date(v.since) : new Date(until.getTime() - DAY_MS);
  if (since.getTime() >= until.getTime()) throw new AppError('events.invalid_range', '`since` must be before `until`', 400, { field: 'since' });
  if (format === 'json' && (v.limit ?? 0) > MAX_JSON_PAGE) throw new AppError('validation.failed', 'The request is not valid', 400, { issues: [{ path: 'limit', message: `at most ${MAX_JSON_PAGE} for JSON pages` }] });
  const limit = v.limit ?? (format === 'json' ? 100 : MAX_STREAM);
  return { since, until, limit, cursor: decodeCursor(v.cursor, isCursor), taxonomy: v.taxonomy, type: v.type, ip: v.ip, asn: v.asn, order: v.order ?? defaultOrder };
}

function respond(c: Context<AppEnv>, format: EventFormat, a: EventAnswer, filename: string): Response {
  if (a.nextCursor) c.header('X-Next-Cursor', encodeCursor(a.nextCursor));
  if (a.kind === 'page') return c.json({ items: a.items.map(toApiEvent), nextCursor: a.nextCursor ? encodeCursor(a.nextCursor) : null }, 200);
  c.header('Content-Type', CONTENT_TYPES[format]);
  c.header('Cache-Control', 'no-store');
  if (format === 'csv') c.header('Content-Disposition', `attachment; filename="${filename}.csv"`);
  return c.body(a.body, 200);
}

/** GET /events (analysts, center operators) and GET /me/events (constituents). */
export function eventsRoutes(deps: { events: EventsService; clock: Clock }) {
  const { events, clock } = deps;
  const router = createRouter();
  router.openapi(routes.list, async (c) => {
    const p = requireUser(c);
    const v = c.req.valid('query');
    const format = negotiateFormat(v.format, c.req.header('accept'));
    const answer = await events.list(p, { ...toQuery(v, clock, 'desc', format), organizationId: v.organizationId, feedId: v.feedId }, format);
    return respond(c, format, answer, 'events') as never;
  });
  router.openapi(routes.own, async (c) => {
    const p = requireUser(c);
    const v = c.req.valid('query');
    const format = negotiateFormat(v.format, c.req.header('accept'));
    return respond(c, format, await events.listOwn(p, toQuery(v, clock, 'asc', format), format), 'my-events') as never;
  });
  return router;
}
