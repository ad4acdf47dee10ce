import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, errors, IdParam, json, jsonBody, SECURITY } from '../../platform/http/openapi.ts';
import { actorOf, requirePermission } from '../auth/index.ts';
import type { createFromReportService } from './incidents.from-report.ts';
import { toIncident } from './incidents.mappers.ts';
import { IncidentSchema, PapSchema, SeveritySchema, TlpSchema } from './incidents.schemas.ts';

const FromReport = z
  .object({
    severity: SeveritySchema,
    tlp: TlpSchema.default('amber'),
    pap: PapSchema.default('amber'),
    title: z.string().trim().min(1).max(300).optional(),
    organizationId: z.uuid().nullable().optional().openapi({ description: 'Omit to let the constituency lookup find the owner from the observables' }),
  })
  .openapi('IncidentFromReport');

const route = createRoute({
  method: 'post',
  path: '/reports/{id}/incident',
  tags: ['incidents'],
  summary: 'Turn a public report into an incident (the report is linked)',
  security: SECURITY,
  request: { params: IdParam, body: jsonBody(FromReport) },
  responses: { 201: json(IncidentSchema, 'Created'), ...errors(400, 401, 403, 404, 409) },
});

export function fromReportRoutes(deps: { fromReport: ReturnType<typeof createFromReportService> }) {
  const router = createRouter();
  router.openapi(route, async (c) => {
    const row = await deps.fromReport(c.req.valid('param').id, c.req.valid('json'), requirePermission(c, 'incidents:write'), actorOf(c));
    return c.json(toIncident(row), 201);
  });
  return router;
}
