import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../platform/errors.ts';
import { createRouter, errors, IdParam, json, jsonBody, SECURITY } from '../../platform/http/openapi.ts';
import { actorOf, requirePermission } from '../auth/index.ts';
import type { ClocksService } from './clocks.service.ts';
import type { ClockRow } from './incidents.tables.ts';
import type { Clock } from '../../platform/clock.ts';

const tags = ['incidents'];
const ClockSchema = z
  .object({
    kind: z.string(),
    label: z.string(),
    source: z.enum(['sla', 'regulatory']),
    startedAt: z.iso.datetime(),
    dueAt: z.iso.datetime(),
    metAt: z.iso.datetime().nullable(),
    pausedAt: z.iso.datetime().nullable(),
    escalatedAt: z.iso.datetime().nullable(),
    breachedAt: z.iso.datetime().nullable(),
    status: z.enum(['running', 'paused', 'met', 'met_late', 'breached']),
    remainingSeconds: z.number().int().nullable(),
  })
  .openapi('IncidentClock');
const Clocks = z.object({ serverTime: z.iso.datetime(), items: z.array(ClockSchema) }).openapi('IncidentClocks');
const ClockParams = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }), kind: z.string().max(200).openapi({ param: { name: 'kind', in: 'path' } }) });
const Period = z.object({
  from: z.iso.datetime({ offset: true }).openapi({ param: { name: 'from', in: 'query' } }),
  to: z.iso.datetime({ offset: true }).openapi({ param: { name: 'to', in: 'query' } }),
  format: z.enum(['json', 'csv']).default('json').openapi({ param: { name: 'format', in: 'query' } }),
});

const r = {
  list: createRoute({ method: 'get', path: '/incidents/{id}/clocks', tags, summary: 'SLA and regulatory clocks of an incident', security: SECURITY, request: { params: IdParam }, responses: { 200: json(Clocks, 'Clocks'), ...errors(401, 403, 404) } }),
  pause: createRoute({ method: 'post', path: '/incidents/{id}/clocks/pause', tags, summary: 'Pause SLA clocks while waiting on the constituent (legal deadlines keep running)', security: SECURITY, request: { params: IdParam, body: jsonBody(z.object({ reason: z.string().trim().max(2000).optional() })) }, responses: { 200: json(Clocks, 'Paused'), ...errors(401, 403, 404) } }),
  resume: createRoute({ method: 'post', path: '/incidents/{id}/clocks/resume', tags, summary: 'Resume paused SLA clocks; their deadlines move by the pause', security: SECURITY, request: { params: IdParam, body: jsonBody(z.object({ reason: z.string().trim().max(2000).optional() })) }, responses: { 200: json(Clocks, 'Resumed'), ...errors(401, 403, 404) } }),
  met: createRoute({ method: 'post', path: '/incidents/{id}/clocks/{kind}/met', tags, summary: 'Record that a deadline was met (e.g. the NIS2 early warning was sent)', security: SECURITY, request: { params: ClockParams }, responses: { 200: json(ClockSchema, 'Met'), ...errors(401, 403, 404, 409) } }),
  breaches: createRoute({ method: 'get', path: '/incident-clock-breaches', tags, summary: 'Breach report: deadlines missed in a period (JSON or CSV)', security: SECURITY, request: { query: Period }, responses: { 200: { description: 'Breaches', content: { 'application/json': { schema: z.object({ items: z.array(z.unknown()) }) }, 'text/csv': { schema: z.string() } } }, ...errors(400, 401, 403) } }),
};

function toClock(c: ClockRow, now: Date) {
  const status = c.met_at ? (c.met_at > c.due_at ? 'met_late' : 'met') : c.breached_at ? 'breached' : c.paused_at ? 'paused' : 'running';
  const remaining = c.met_at ? null : Math.round(((c.paused_at ?? now).getTime() - now.getTime() + (c.due_at.getTime() - (c.paused_at ?? now).getTime())) / 1000);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    kind: c.kind,
    label: c.label,
    source: c.source,
    startedAt: c.started_at.toISOString(),
    dueAt: c.due_at.toISOString(),
    metAt: iso(c.met_at),
    pausedAt: iso(c.paused_at),
    escalatedAt: iso(c.escalated_at),
    breachedAt: iso(c.breached_at),
    status,
    remainingSeconds: remaining,
  } as const;
}

const csvCell = (v: unknown) => {
  const s = v instanceof Date ? v.toISOString() : String(v ?? '');
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function clocksRoutes(deps: { clocks: ClocksService; clock: Clock }) {
  const { clocks, clock } = deps;
  const router = createRouter();
  const answer = (rows: ClockRow[]) => {
    const now = clock.now();
    return { serverTime: now.toISOString(), items: rows.map((c) => toClock(c, now)) };
  };
  router.openapi(r.list, async (c) => c.json(answer(await clocks.list(c.req.valid('param').id, requirePermission(c, 'incidents:read'))), 200));
  router.openapi(r.pause, async (c) => c.json(answer(await clocks.setPaused(c.req.valid('param').id, true, c.req.valid('json').reason, requirePermission(c, 'incidents:write'), actorOf(c))), 200));
  router.openapi(r.resume, async (c) => c.json(answer(await clocks.setPaused(c.req.valid('param').id, false, c.req.valid('json').reason, requirePermission(c, 'incidents:write'), actorOf(c))), 200));
  router.openapi(r.met, async (c) => {
    const { id, kind } = c.req.valid('param');
    return c.json(toClock(await clocks.markMet(id, kind, requirePermission(c, 'incidents:write'), actorOf(c)), clock.now()), 200);
  });
  router.openapi(r.breaches, async (c) => {
    const p = requirePermission(c, 'incidents:read');
    if (p.role !== 'admin' && p.role !== 'analyst') throw new AppError('auth.forbidden', 'The breach report is for national CERT staff', 403);
    const { from, to, format } = c.req.valid('query');
    const rows = await clocks.breaches(new Date(from), new Date(to));
    if (format === 'csv') {
      const head = ['ref', 'title', 'severity', 'clock', 'label', 'due_at', 'breached_at', 'met_at'];
      const lines = rows.map((b) => [b.ref, b.title, b.severity, b.kind, b.label, b.due_at, b.breached_at, b.met_at].map(csvCell).join(','));
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', 'attachment; filename="clock-breaches.csv"');
      return c.body(`${[head.join(','), ...lines].join('\r\n')}\r\n`, 200) as never;
    }
    return c.json({ items: rows }, 200);
  });
  return router;
}
