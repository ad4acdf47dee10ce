import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, errors, IdParam, json, jsonBody, SECURITY } from '../../platform/http/openapi.ts';
import { actorOf, requirePermission } from '../auth/index.ts';
import { alertsRoutes } from './alerts.routes.ts';
import type { AlertsService } from './alerts.service.ts';
import { toCenter, toCenterContact, toCenterDetail } from './centers.mappers.ts';
import { CenterContactInput, CenterContactSchema, CenterDetailSchema, CenterInput, CenterPatch, CenterSchema, HeartbeatReport, HeartbeatResponse } from './centers.schemas.ts';
import type { CentersService } from './centers.service.ts';

const tags = ['centers'];
const ContactParams = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }), contactId: z.uuid().openapi({ param: { name: 'contactId', in: 'path' } }) });

const routes = {
  list: createRoute({ method: 'get', path: '/centers', tags, summary: 'Cybersecurity centers with their heartbeat status (up, late, silent, never)', security: SECURITY, responses: { 200: json(z.object({ items: z.array(CenterSchema) }), 'Centers'), ...errors(401, 403) } }),
  create: createRoute({ method: 'post', path: '/centers', tags, summary: 'Register a center', security: SECURITY, request: { body: jsonBody(CenterInput) }, responses: { 201: json(CenterDetailSchema, 'Created'), ...errors(400, 401, 403, 409, 415) } }),
  heartbeat: createRoute({
    method: 'post',
    path: '/centers/heartbeat',
    tags,
    summary: "The caller's center is alive (machine account of a center operator; at most one beat per second is stored)",
    security: SECURITY,
    request: { body: { required: false, content: { 'application/json': { schema: HeartbeatReport } } } },
    responses: { 200: json(HeartbeatResponse, 'Received'), ...errors(400, 401, 403, 415) },
  }),
  get: createRoute({ method: 'get', path: '/centers/{id}', tags, summary: 'A center with its contacts and the organizations it serves', security: SECURITY, request: { params: IdParam }, responses: { 200: json(CenterDetailSchema, 'The center'), ...errors(401, 403, 404) } }),
  update: createRoute({ method: 'patch', path: '/centers/{id}', tags, summary: 'Change a center: name, description, heartbeat window', security: SECURITY, request: { params: IdParam, body: jsonBody(CenterPatch) }, responses: { 200: json(CenterDetailSchema, 'Updated'), ...errors(400, 401, 403, 404, 409, 415) } }),
  setOrgs: createRoute({ method: 'put', path: '/centers/{id}/organizations', tags, summary: 'Set the organizations a center serves', security: SECURITY, request: { params: IdParam, body: jsonBody(z.object({ organizationIds: z.array(z.uuid()).max(100_000) })) }, responses: { 204: { description: 'Set' }, ...errors(400, 401, 403, 404) } }),
  addContact: createRoute({ method: 'post', path: '/centers/{id}/contacts', tags, summary: 'Add a duty contact to a center', security: SECURITY, request: { params: IdParam, body: jsonBody(CenterContactInput) }, responses: { 201: json(CenterContactSchema, 'Added'), ...errors(400, 401, 403, 404, 415) } }),
  removeContact: createRoute({ method: 'delete', path: '/centers/{id}/contacts/{contactId}', tags, summary: 'Remove a duty contact', security: SECURITY, request: { params: ContactParams }, responses: { 204: { description: 'Removed' }, ...errors(401, 403, 404) } }),
};

/** Centers, their heartbeats and contacts, and the analysts' alerts (`alerts` defaults to the centers service's). */
export function centersRoutes(deps: { centers: CentersService; alerts?: AlertsService }) {
  const { centers } = deps;
  const router = createRouter();
  router.openapi(routes.list, async (c) => c.json({ items: (await centers.list(requirePermission(c, 'centers:read'))).map(toCenter) }, 200));
  router.openapi(routes.create, async (c) => {
    requirePermission(c, 'centers:write');
    return c.json(toCenterDetail(await centers.create(c.req.valid('json'), actorOf(c))), 201);
  });
  router.openapi(routes.heartbeat, async (c) => c.json(await centers.heartbeat(requirePermission(c, 'centers:read'), c.req.valid('json'), actorOf(c)), 200));
  router.openapi(routes.get, async (c) => c.json(toCenterDetail(await centers.get(requirePermission(c, 'centers:read'), c.req.valid('param').id)), 200));
  router.openapi(routes.update, async (c) => {
    requirePermission(c, 'centers:write');
    return c.json(toCenterDetail(await centers.update(c.req.valid('param').id, c.req.valid('json'), actorOf(c))), 200);
  });
  router.openapi(routes.setOrgs, async (c) => {
    requirePermission(c, 'centers:write');
    await centers.setOrganizations(c.req.valid('param').id, c.req.valid('json').organizationIds, actorOf(c));
    return c.body(null, 204);
  });
  router.openapi(routes.addContact, async (c) => {
    requirePermission(c, 'centers:write');
    return c.json(toCenterContact(await centers.addContact(c.req.valid('param').id, c.req.valid('json'), actorOf(c))), 201);
  });
  router.openapi(routes.removeContact, async (c) => {
    requirePermission(c, 'centers:write');
    const { id, contactId } = c.req.valid('param');
    await centers.removeContact(id, contactId, actorOf(c));
    return c.body(null, 204);
  });
  router.route('/', alertsRoutes({ alerts: deps.alerts ?? centers.alerts }));
  return router;
}
