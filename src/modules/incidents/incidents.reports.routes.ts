import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../platform/errors.ts';
import { createRouter, errors, json, SECURITY } from '../../platform/http/openapi.ts';
import { requirePermission } from '../auth/index.ts';
import type { createIncidentReports } from './incidents.reports.ts';
import { IncidentQuery } from './incidents.schemas.ts';
import { toFilter } from './incidents.service.ts';

const tags = ['incidents'];
const Stat = z.object({ count: z.number().int(), medianSeconds: z.number().nullable(), p90Seconds: z.number().nullable() });
const Counts = z.array(z.object({ key: z.string(), count: z.number().int() }));
const Metrics = z
  .object({ from: z.iso.datetime(), to: z.iso.datetime(), timeToAcknowledge: Stat, timeToResolve: Stat, bySector: Counts, byTaxonomy: Counts, byWeek: Counts })
  .openapi('IncidentMetrics');
const Period = z.object({
  from: z.iso.datetime({ offset: true }).openapi({ param: { name: 'from', in: 'query' } }),
  to: z.iso.datetime({ offset: true }).openapi({ param: { name: 'to', in: 'query' } }),
});

const r = {
  export: createRoute({ method: 'get', path: '/incident-exports', tags, summary: 'The filtered queue as CSV (same filters as GET /incidents)', security: SECURITY, request: { query: IncidentQuery.omit({ limit: true, cursor: true }) }, responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...errors(400, 401, 403) } }),
  metrics: createRoute({ method: 'get', path: '/incident-metrics', tags, summary: 'Time to acknowledge and resolve; counts by sector, taxonomy and ISO week', security: SECURITY, request: { query: Period }, responses: { 200: json(Metrics, 'Metrics'), ...errors(400, 401, 403) } }),
};

export function incidentReportsRoutes(deps: { reports: ReturnType<typeof createIncidentReports> }) {
  const router = createRouter();
  router.openapi(r.export, async (c) => {
    const body = await deps.reports.exportCsv(requirePermission(c, 'incidents:read'), toFilter(c.req.valid('query')));
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="incidents-${new Date().toISOString().slice(0, 10)}.csv"`);
    return c.body(body, 200) as never;
  });
  router.openapi(r.metrics, async (c) => {
    const { from, to } = c.req.valid('query');
    if (new Date(from) >= new Date(to)) throw new AppError('validation.failed', '"from" must be before "to"', 400, { issues: [{ path: 'from', message: 'must be before to' }] });
    return c.json(await deps.reports.metrics(requirePermission(c, 'incidents:read'), new Date(from), new Date(to)), 200);
  });
  return router;
}
