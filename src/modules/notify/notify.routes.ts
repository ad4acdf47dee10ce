import { createRoute, z } from '@hono/zod-openapi';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.ts';
import { createRouter, errors, IdParam, json, jsonBody, SECURITY } from '../../platform/http/openapi.ts';
import { actorOf, requirePermission } from '../auth/index.ts';
import type { NotificationCursor } from './notify.repository.ts';
import {
  CreatedWebhookEndpoint,
  CreateWebhookEndpointRequest,
  NotificationList,
  NotificationQuery,
  TestEmailRequest,
  toNotification,
  toWebhookEndpoint,
  WebhookEndpointSchema,
} from './notify.schemas.ts';
import type { NotifyService } from './notify.service.ts';

const tags = ['notifications'];
const routes = {
  list: createRoute({ method: 'get', path: '/notifications', tags, summary: 'The notification outbox, newest first', security: SECURITY, request: { query: NotificationQuery }, responses: { 200: json(NotificationList, 'Notifications'), ...errors(400, 401, 403) } }),
  testEmail: createRoute({
    method: 'post',
    path: '/notifications/test-email',
    tags,
    summary: 'Queue a test e-mail to check the SMTP settings',
    security: SECURITY,
    request: { body: jsonBody(TestEmailRequest) },
    responses: { 202: json(z.object({ id: z.uuid() }).openapi('QueuedNotification'), 'Queued; follow it in GET /notifications'), ...errors(400, 401, 403, 409) },
  }),
  listEndpoints: createRoute({ method: 'get', path: '/webhook-endpoints', tags, summary: 'Webhook endpoints (never their secrets)', security: SECURITY, responses: { 200: json(z.object({ items: z.array(WebhookEndpointSchema) }).openapi('WebhookEndpointList'), 'Endpoints'), ...errors(401, 403) } }),
  createEndpoint: createRoute({ method: 'post', path: '/webhook-endpoints', tags, summary: 'Register a webhook endpoint; the signing secret is in this response only', security: SECURITY, request: { body: jsonBody(CreateWebhookEndpointRequest) }, responses: { 201: json(CreatedWebhookEndpoint, 'Created'), ...errors(400, 401, 403) } }),
  deleteEndpoint: createRoute({ method: 'delete', path: '/webhook-endpoints/{id}', tags, summary: 'Delete a webhook endpoint; its pending deliveries fail', security: SECURITY, request: { params: IdParam }, responses: { 204: { description: 'Deleted' }, ...errors(401, 403, 404) } }),
};

const isCursor = (v: unknown): v is NotificationCursor => {
  const c = v as Partial<NotificationCursor> | null;
  return typeof c?.t === 'string' && !Number.isNaN(Date.parse(c.t)) && typeof c.i === 'string' && z.uuid().safeParse(c.i).success;
};

/** Administration of notifications: the outbox, webhook endpoints, a test e-mail (`users:manage`). */
export function notifyRoutes(deps: { notify: NotifyService }) {
  const { notify } = deps;
  const router = createRouter();
  router.openapi(routes.list, async (c) => {
    requirePermission(c, 'users:manage');
    const { limit, cursor, status } = c.req.valid('query');
    const rows = await notify.list({ status, after: decodeCursor(cursor, isCursor), limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return c.json({ items: page.map(toNotification), nextCursor: rows.length > limit && last ? encodeCursor({ t: last.created_at.toISOString(), i: last.id }) : null }, 200);
  });
  router.openapi(routes.testEmail, async (c) => {
    requirePermission(c, 'users:manage');
    const { id } = await notify.queueTestEmail(c.req.valid('json').to, actorOf(c));
    return c.json({ id }, 202);
  });
  router.openapi(routes.listEndpoints, async (c) => {
    requirePermission(c, 'users:manage');
    return c.json({ items: (await notify.listEndpoints()).map(toWebhookEndpoint) }, 200);
  });
  router.openapi(routes.createEndpoint, async (c) => {
    requirePermission(c, 'users:manage');
    const { endpoint, secret } = await notify.createEndpoint(c.req.valid('json'), actorOf(c));
    return c.json({ secret, endpoint: toWebhookEndpoint(endpoint) }, 201);
  });
  router.openapi(routes.deleteEndpoint, async (c) => {
    requirePermission(c, 'users:manage');
    await notify.deleteEndpoint(c.req.valid('param').id, actorOf(c));
    return c.body(null, 204);
  });
  return router;
}
