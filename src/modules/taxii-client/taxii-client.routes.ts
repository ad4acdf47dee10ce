import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, errors, IdParam, json, jsonBody, SECURITY } from '../../platform/http/openapi.ts';
import { actorOf, requirePermission } from '../auth/index.ts';
import { toConnectionDto, toPushDto } from './taxii-client.mappers.ts';
import { ConnectionInput, ConnectionPatch, ConnectionSchema, PushSchema, RunResultSchema } from './taxii-client.schemas.ts';
import type { TaxiiClientService } from './taxii-client.service.ts';

const tags = ['sharing'];
const base = '/partners/{id}/taxii-connections';
const Params = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
  connectionId: z.string().max(100).openapi({ param: { name: 'connectionId', in: 'path' } }),
});

const routes = {
  list: createRoute({ method: 'get', path: base, tags, security: SECURITY, summary: "TAXII client connections to the partner's collections (poll and push)", request: { params: IdParam }, responses: { 200: json(z.object({ items: z.array(ConnectionSchema) }), 'Connections'), ...errors(401, 403, 404) } }),
  create: createRoute({ method: 'post', path: base, tags, security: SECURITY, summary: "Configure polling or pushing one of the partner's TAXII collections", request: { params: IdParam, body: jsonBody(ConnectionInput) }, responses: { 201: json(ConnectionSchema, 'Created'), ...errors(400, 401, 403, 404, 415) } }),
  get: createRoute({ method: 'get', path: `${base}/{connectionId}`, tags, security: SECURITY, summary: 'A TAXII client connection (its secret is never returned)', request: { params: Params }, responses: { 200: json(ConnectionSchema, 'The connection'), ...errors(401, 403, 404) } }),
  update: createRoute({ method: 'patch', path: `${base}/{connectionId}`, tags, security: SECURITY, summary: 'Change a connection (auth replaces the stored secret; pollAddedAfter moves the checkpoint)', request: { params: Params, body: jsonBody(ConnectionPatch) }, responses: { 200: json(ConnectionSchema, 'Updated'), ...errors(400, 401, 403, 404, 415) } }),
  run: createRoute({ method: 'post', path: `${base}/{connectionId}/run`, tags, security: SECURITY, summary: 'Run the connection now (poll or push); the outcome is also kept on the connection', request: { params: Params }, responses: { 200: json(RunResultSchema, 'Outcome'), ...errors(401, 403, 404) } }),
  pushes: createRoute({ method: 'get', path: `${base}/{connectionId}/pushes`, tags, security: SECURITY, summary: "Envelopes pushed and the partner's status of each", request: { params: Params }, responses: { 200: json(z.object({ items: z.array(PushSchema) }), 'Pushes'), ...errors(401, 403, 404) } }),
};

/** The TAXII client's configuration API under a partner. */
export function taxiiClientRoutes(deps: { service: TaxiiClientService }) {
  const { service } = deps;
  const router = createRouter();
  router.openapi(routes.list, async (c) => {
    requirePermission(c, 'sharing:read');
    return c.json({ items: (await service.list(c.req.valid('param').id)).map(toConnectionDto) }, 200);
  });
  router.openapi(routes.create, async (c) => {
    requirePermission(c, 'sharing:write');
    return c.json(toConnectionDto(await service.create(c.req.valid('param').id, c.req.valid('json'), actorOf(c))), 201);
  });
  router.openapi(routes.get, async (c) => {
    requirePermission(c, 'sharing:read');
    const { id, connectionId } = c.req.valid('param');
    return c.json(toConnectionDto(await service.get(id, connectionId)), 200);
  });
  router.openapi(routes.update, async (c) => {
    requirePermission(c, 'sharing:write');
    const { id, connectionId } = c.req.valid('param');
    return c.json(toConnectionDto(await service.update(id, connectionId, c.req.valid('json'), actorOf(c))), 200);
  });
  router.openapi(routes.run, async (c) => {
    requirePermission(c, 'sharing:write');
    const { id, connectionId } = c.req.valid('param');
    return c.json(await service.runNow(id, connectionId, actorOf(c)), 200);
  });
  router.openapi(routes.pushes, async (c) => {
    requirePermission(c, 'sharing:read');
    const { id, connectionId } = c.req.valid('param');
    return c.json({ items: (await service.recentPushes(id, connectionId, 100)).map(toPushDto) }, 200);
  });
  return router;
}
