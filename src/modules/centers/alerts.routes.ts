import { createRoute } from '@hono/zod-openapi';
import { createRouter, errors, IdParam, json, SECURITY } from '../../platform/http/openapi.ts';
import { actorOf, requirePermission } from '../auth/index.ts';
import type { AlertsService } from './alerts.service.ts';
import { toAlert } from './centers.mappers.ts';
import { AlertList, AlertQuery, AlertSchema } from './centers.schemas.ts';

const tags = ['alerts'];
const routes = {
  list: createRoute({ method: 'get', path: '/alerts', tags, summary: 'Alerts for national analysts, newest first (admin and analyst)', security: SECURITY, request: { query: AlertQuery }, responses: { 200: json(AlertList, 'A page of alerts'), ...errors(400, 401, 403) } }),
  acknowledge: createRoute({ method: 'post', path: '/alerts/{id}/acknowledge', tags, summary: 'Acknowledge an alert (someone is on it)', security: SECURITY, request: { params: IdParam }, responses: { 200: json(AlertSchema, 'Acknowledged'), ...errors(401, 403, 404, 409) } }),
};

/** GET /alerts (alerts:read) and POST /alerts/{id}/acknowledge (alerts:write); the service also requires national CERT staff. */
export function alertsRoutes(deps: { alerts: AlertsService }) {
  const { alerts } = deps;
  const router = createRouter();
  router.openapi(routes.list, async (c) => {
    const page = await alerts.list(requirePermission(c, 'alerts:read'), c.req.valid('query'));
    return c.json({ items: page.rows.map(toAlert), nextCursor: page.nextCursor }, 200);
  });
  router.openapi(routes.acknowledge, async (c) => c.json(toAlert(await alerts.acknowledge(requirePermission(c, 'alerts:write'), c.req.valid('param').id, actorOf(c))), 200));
  return router;
}
