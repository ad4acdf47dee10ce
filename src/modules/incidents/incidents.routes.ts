import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, errors, IdParam, json, jsonBody, SECURITY } from '../../platform/http/openapi.ts';
import { actorOf, requirePermission } from '../auth/index.ts';
import type { IntakeResult } from './incidents.intake.ts';
import { toIncident } from './incidents.mappers.ts';
import { Assign, CenterNotification, CreateIncident, IncidentDetail, IncidentList, IncidentPatch, IncidentQuery, IncidentSchema, Merge, TimelineEntry, Transition } from './incidents.schemas.ts';
import type { IncidentsService } from './incidents.service.ts';
import type { CenterNotificationT } from './incidents.schemas.ts';
import type { Principal } from '../../platform/http/context.ts';
import type { Actor } from '../audit/index.ts';
import type { IncidentRow, IncidentState } from './incidents.tables.ts';

const tags = ['incidents'];
const Related = z.object({ items: z.array(z.object({ id: z.uuid(), ref: z.string(), title: z.string(), state: z.string(), severity: z.string(), shared: z.number().int(), observables: z.array(z.string()) })) }).openapi('RelatedIncidents');
const IntakeAnswer = z.object({ outcome: z.enum(['created', 'updated', 'unchanged']), incident: IncidentSchema }).openapi('NotificationResult');

const r = {
  list: createRoute({ method: 'get', path: '/incidents', tags, summary: 'Incidents visible to you: filters, full-text search, keyset pages', security: SECURITY, request: { query: IncidentQuery }, responses: { 200: json(IncidentList, 'A page'), ...errors(400, 401, 403) } }),
  create: createRoute({ method: 'post', path: '/incidents', tags, summary: 'Open an incident (national CERT staff)', security: SECURITY, request: { body: jsonBody(CreateIncident) }, responses: { 201: json(IncidentDetail, 'Opened'), ...errors(400, 401, 403, 415) } }),
  get: createRoute({ method: 'get', path: '/incidents/{id}', tags, summary: 'One incident with its observables', security: SECURITY, request: { params: IdParam }, responses: { 200: json(IncidentDetail, 'The incident'), ...errors(401, 403, 404) } }),
  update: createRoute({ method: 'patch', path: '/incidents/{id}', tags, summary: 'Edit an incident (send the version you read)', security: SECURITY, request: { params: IdParam, body: jsonBody(IncidentPatch) }, responses: { 200: json(IncidentSchema, 'Updated'), ...errors(400, 401, 403, 404, 409) } }),
  transition: createRoute({ method: 'post', path: '/incidents/{id}/transitions', tags, summary: 'Move an incident to another state; 409 lists the allowed ones', security: SECURITY, request: { params: IdParam, body: jsonBody(Transition) }, responses: { 200: json(IncidentSchema, 'Moved'), ...errors(400, 401, 403, 404, 409) } }),
  assign: createRoute({ method: 'post', path: '/incidents/{id}/assignment', tags, summary: 'Assign to an analyst and/or a center', security: SECURITY, request: { params: IdParam, body: jsonBody(Assign) }, responses: { 200: json(IncidentSchema, 'Assigned'), ...errors(400, 401, 403, 404, 409) } }),
  merge: createRoute({ method: 'post', path: '/incidents/{id}/merge', tags, summary: 'Merge this incident into another', security: SECURITY, request: { params: IdParam, body: jsonBody(Merge) }, responses: { 200: json(IncidentSchema, 'Merged'), ...errors(400, 401, 403, 404, 409) } }),
  timeline: createRoute({ method: 'get', path: '/incidents/{id}/timeline', tags, summary: 'Every change to the incident, oldest first', security: SECURITY, request: { params: IdParam }, responses: { 200: json(z.object({ items: z.array(TimelineEntry) }), 'Timeline'), ...errors(401, 403, 404) } }),
  related: createRoute({ method: 'get', path: '/incidents/{id}/related', tags, summary: 'Incidents sharing observables (duplicate candidates)', security: SECURITY, request: { params: IdParam }, responses: { 200: json(Related, 'Related'), ...errors(401, 403, 404) } }),
  notify: createRoute({ method: 'post', path: '/center-notifications', tags, summary: "A center's incident notification, idempotent by its externalId", security: SECURITY, request: { body: jsonBody(CenterNotification) }, responses: { 200: json(IntakeAnswer, 'Updated or unchanged (retry)'), 201: json(IntakeAnswer, 'Created'), ...errors(400, 401, 403, 415) } }),
};

type Deps = {
  incidents: IncidentsService;
  merge: (id: string, into: string, version: number, p: Principal, actor: Actor) => Promise<IncidentRow>;
  intake: (n: CenterNotificationT, p: Principal, actor: Actor) => Promise<IntakeResult>;
};

export function incidentsRoutes(deps: Deps) {
  const { incidents } = deps;
  const router = createRouter();
  router.openapi(r.list, async (c) => {
    const page = await incidents.list(requirePermission(c, 'incidents:read'), c.req.valid('query'));
    return c.json({ items: page.rows.map(toIncident), nextCursor: page.nextCursor }, 200);
  });
  router.openapi(r.create, async (c) => {
    const row = await incidents.create(c.req.valid('json'), requirePermission(c, 'incidents:write'), actorOf(c));
    const { observables } = await incidents.get(row.id, requirePermission(c, 'incidents:read'));
    return c.json({ ...toIncident(row), observables }, 201);
  });
  router.openapi(r.get, async (c) => {
    const { row, observables } = await incidents.get(c.req.valid('param').id, requirePermission(c, 'incidents:read'));
    return c.json({ ...toIncident(row), observables }, 200);
  });
  router.openapi(r.update, async (c) => c.json(toIncident(await incidents.update(c.req.valid('param').id, c.req.valid('json'), requirePermission(c, 'incidents:write'), actorOf(c))), 200));
  router.openapi(r.transition, async (c) => {
    const { to, version, reason } = c.req.valid('json');
    return c.json(toIncident(await incidents.transition(c.req.valid('param').id, to as IncidentState, version, reason, requirePermission(c, 'incidents:write'), actorOf(c))), 200);
  });
  router.openapi(r.assign, async (c) => c.json(toIncident(await incidents.assign(c.req.valid('param').id, c.req.valid('json'), requirePermission(c, 'incidents:write'), actorOf(c))), 200));
  router.openapi(r.merge, async (c) => {
    const { into, version } = c.req.valid('json');
    return c.json(toIncident(await deps.merge(c.req.valid('param').id, into, version, requirePermission(c, 'incidents:write'), actorOf(c))), 200);
  });
  router.openapi(r.timeline, async (c) => {
    const rows = await incidents.timeline(c.req.valid('param').id, requirePermission(c, 'incidents:read'));
    return c.json({ items: rows.map((t) => ({ id: t.id, at: t.at.toISOString(), actorId: t.actor_id, actorLabel: t.actor_label, kind: t.kind, data: t.data })) }, 200);
  });
  router.openapi(r.related, async (c) => {
    const rows = await incidents.related(c.req.valid('param').id, requirePermission(c, 'incidents:read'));
    return c.json({ items: rows.map((x) => ({ id: x.id, ref: x.ref, title: x.title, state: x.state, severity: x.severity, shared: Number(x.shared), observables: x.observables })) }, 200);
  });
  router.openapi(r.notify, async (c) => {
    const result = await deps.intake(c.req.valid('json'), requirePermission(c, 'incidents:notify'), actorOf(c));
    const body = { outcome: result.outcome, incident: toIncident(result.row) };
    return result.outcome === 'created' ? c.json(body, 201) : c.json(body, 200);
  });
  return router;
}
