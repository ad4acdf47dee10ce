import { createRoute, z } from '@hono/zod-openapi';
import { decodeCursor, encodeCursor } from '../../../platform/http/cursor.ts';
import { createRouter, errors, IdParam, json, jsonBody, SECURITY } from '../../../platform/http/openapi.ts';
import { actorOf, requirePermission } from '../../auth/index.ts';
import type { DeliveryCursor } from './digests.repository.ts';
import { DeliveryQuery, DigestDeliveryList, DigestScheduleRequest, DigestScheduleSchema, DigestSchema, toDigest, toSchedule } from './digests.schemas.ts';
import type { DigestsService } from './digests.service.ts';

const tags = ['digests'];
const routes = {
  getSchedule: createRoute({ method: 'get', path: '/organizations/{id}/digest-schedule', tags, summary: "An organization's digest schedule (readable by the organization itself)", security: SECURITY, request: { params: IdParam }, responses: { 200: json(DigestScheduleSchema, 'Schedule'), ...errors(401, 403, 404) } }),
  setSchedule: createRoute({ method: 'put', path: '/organizations/{id}/digest-schedule', tags, summary: 'Set the digest schedule and recipients (national CERT analysts and administrators)', security: SECURITY, request: { params: IdParam, body: jsonBody(DigestScheduleRequest) }, responses: { 200: json(DigestScheduleSchema, 'Schedule'), ...errors(400, 401, 403, 404) } }),
  sendNow: createRoute({ method: 'post', path: '/organizations/{id}/digests', tags, summary: 'Send a digest now with the events since the last one', security: SECURITY, responses: { 202: json(DigestSchema, 'Queued'), ...errors(401, 403, 404, 409) }, request: { params: IdParam } }),
  listDigests: createRoute({ method: 'get', path: '/organizations/{id}/digests', tags, summary: "An organization's latest digests", security: SECURITY, request: { params: IdParam }, responses: { 200: json(z.object({ items: z.array(DigestSchema) }).openapi('DigestList'), 'Digests'), ...errors(401, 403, 404) } }),
  deliveries: createRoute({ method: 'get', path: '/digest-deliveries', tags, summary: 'Notifications log: what each digest sent to whom, newest first', security: SECURITY, request: { query: DeliveryQuery }, responses: { 200: json(DigestDeliveryList, 'Deliveries'), ...errors(400, 401, 403) } }),
};

const isCursor = (v: unknown): v is DeliveryCursor => {
  const c = v as Partial<DeliveryCursor> | null;
  return typeof c?.t === 'string' && !Number.isNaN(Date.parse(c.t)) && typeof c.i === 'string' && z.uuid().safeParse(c.i).success;
};

type DeliveryRow = Awaited<ReturnType<DigestsService['listDeliveries']>>[number];
const toDelivery = (r: DeliveryRow) => ({
  id: r.id,
  digestId: r.digest_id,
  organization: { id: r.organization_id, name: r.organization_name },
  periodStart: r.period_start.toISOString(),
  periodEnd: r.period_end.toISOString(),
  channel: r.channel,
  recipient: r.recipient,
  eventCount: r.event_count,
  attachmentSha256: r.attachment_sha256,
  isSigned: r.is_signed,
  notificationId: r.notification_id,
  status: r.status ?? 'failed',
  queuedAt: r.created_at.toISOString(),
  sentAt: r.sent_at ? r.sent_at.toISOString() : null,
  lastError: r.last_error,
});

/** Digest schedules, manual digests and the sent log. */
export function digestsRoutes(deps: { digests: DigestsService }) {
  const { digests } = deps;
  const router = createRouter();
  router.openapi(routes.getSchedule, async (c) => {
    const p = requirePermission(c, 'constituency:read');
    const { id } = c.req.valid('param');
    return c.json(toSchedule(id, await digests.getSchedule(p, id)), 200);
  });
  router.openapi(routes.setSchedule, async (c) => {
    const p = requirePermission(c, 'constituency:write');
    const { id } = c.req.valid('param');
    return c.json(toSchedule(id, await digests.setSchedule(p, id, c.req.valid('json'), actorOf(c))), 200);
  });
  router.openapi(routes.sendNow, async (c) => {
    const p = requirePermission(c, 'constituency:write');
    return c.json(toDigest(await digests.sendNow(p, c.req.valid('param').id, actorOf(c))), 202);
  });
  router.openapi(routes.listDigests, async (c) => {
    const p = requirePermission(c, 'constituency:read');
    return c.json({ items: (await digests.listDigests(p, c.req.valid('param').id)).map(toDigest) }, 200);
  });
  router.openapi(routes.deliveries, async (c) => {
    const p = requirePermission(c, 'constituency:read');
    const { limit, cursor, organizationId } = c.req.valid('query');
    const rows = await digests.listDeliveries(p, { organizationId, after: decodeCursor(cursor, isCursor), limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return c.json({ items: page.map(toDelivery), nextCursor: rows.length > limit && last ? encodeCursor({ t: last.created_at.toISOString(), i: last.id }) : null }, 200);
  });
  return router;
}
