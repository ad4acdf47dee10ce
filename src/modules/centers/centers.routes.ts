import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, errors, IdParam, json, jsonBody, SECURITY } from '../../platform/http/openapi.ts';
import { actorOf, requirePermission } from '../auth/index.ts';
import type { CentersService } from './centers.service.ts';

const Center = z
  .object({ id: z.uuid(), name: z.string(), organizationCount: z.number().int().optional(), organizationIds: z.array(z.uuid()).optional(), createdAt: z.iso.datetime() })
  .openapi('Center');
const tags = ['centers'];
const routes = {
  list: createRoute({ method: 'get', path: '/centers', tags, summary: 'Cybersecurity centers', security: SECURITY, responses: { 200: json(z.object({ items: z.array(Center) }), 'Centers'), ...errors(401, 403) } }),
  create: createRoute({ method: 'post', path: '/centers', tags, summary: 'Register a center', security: SECURITY, request: { body: jsonBody(z.object({ name: z.string().trim().min(1).max(200) })) }, responses: { 201: json(Center, 'Created'), ...errors(400, 401, 403, 409) } }),
  get: createRoute({ method: 'get', path: '/centers/{id}', tags, summary: 'A center and the organizations it serves', security: SECURITY, request: { params: IdParam }, responses: { 200: json(Center, 'The center'), ...errors(401, 403, 404) } }),
  setOrgs: createRoute({ method: 'put', path: '/centers/{id}/organizations', tags, summary: 'Set the organizations a center serves', security: SECURITY, request: { params: IdParam, body: jsonBody(z.object({ organizationIds: z.array(z.uuid()).max(100_000) })) }, responses: { 204: { description: 'Set' }, ...errors(400, 401, 403, 404) } }),
};

export function centersRoutes(deps: { centers: CentersService }) {
  const { centers } = deps;
  const router = createRouter();
  const out = (r: { id: string; name: string; created_at: Date; organization_count?: number | null; organizationIds?: string[] }) => ({
    id: r.id,
    name: r.name,
    createdAt: r.created_at.toISOString(),
    ...(r.organization_count !== undefined ? { organizationCount: Number(r.organization_count ?? 0) } : {}),
    ...(r.organizationIds ? { organizationIds: r.organizationIds } : {}),
  });
  router.openapi(routes.list, async (c) => c.json({ items: (await centers.list(requirePermission(c, 'centers:read'))).map(out) }, 200));
  router.openapi(routes.create, async (c) => {
    requirePermission(c, 'centers:write');
    return c.json(out(await centers.create(c.req.valid('json').name, actorOf(c))), 201);
  });
  router.openapi(routes.get, async (c) => c.json(out(await centers.get(requirePermission(c, 'centers:read'), c.req.valid('param').id)), 200));
  router.openapi(routes.setOrgs, async (c) => {
    requirePermission(c, 'centers:write');
    await centers.setOrganizations(c.req.valid('param').id, c.req.valid('json').organizationIds, actorOf(c));
    return c.body(null, 204);
  });
  return router;
}
