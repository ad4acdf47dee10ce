import { createRoute, z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { notFound } from '../../platform/errors.ts';
import { createRouter, errors, json, SECURITY } from '../../platform/http/openapi.ts';
import { requireUser } from '../auth/index.ts';
import { tlpAllowedFor } from './intel.access.ts';
import { StixIdParam, StixRecordSchema } from './intel.schemas.ts';
import type { StixRow } from './intel.tables.ts';
import type { IntelService } from './intel.service.ts';
import { createObservablesRepository } from './observables.repository.ts';

const MAX = 1000;

export const ObservablesSchema = z
  .object({
    items: z.array(z.object({ kind: z.string(), value: z.string(), origin: z.enum(['pattern', 'sco']) })),
    truncated: z.boolean(),
  })
  .openapi('IntelObservables');

const VersionParams = StixIdParam.extend({
  modified: z.iso.datetime({ offset: true }).openapi({ param: { name: 'modified', in: 'path' }, example: '2024-01-02T03:04:05.000Z' }),
});

const versionRoute = createRoute({
  method: 'get',
  path: '/intel/objects/{id}/versions/{modified}',
  tags: ['intel'],
  security: SECURITY,
  summary: 'One stored version of a STIX object (id + modified), as stored',
  request: { params: VersionParams },
  responses: { 200: json(StixRecordSchema, 'The version'), ...errors(400, 401, 403, 404) },
});

const toRecord = (row: StixRow) => ({
  id: row.id, type: row.type, modified: row.modified.toISOString(), created: row.created.toISOString(), dateAdded: row.date_added.toISOString(),
  tlp: row.tlp, pap: row.pap, source: row.source, revoked: row.revoked, label: row.label, object: row.object as Record<string, unknown>,
});

const route = createRoute({
  method: 'get',
  path: '/intel/objects/{id}/observables',
  tags: ['intel'],
  security: SECURITY,
  summary: 'The observables extracted from the object (indicator pattern or cyber observable), as used for correlation',
  request: { params: StixIdParam },
  responses: { 200: json(ObservablesSchema, 'Observables'), ...errors(401, 403, 404) },
});

/** GET /intel/objects/{id}/observables and /versions/{modified}: same TLP visibility as the object itself. */
export function objectDetailsRoutes(deps: { db: Kysely<DB>; intel: IntelService }) {
  const repo = createObservablesRepository();
  const router = createRouter();
  router.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await deps.intel.latestOf([id], tlpAllowedFor(requireUser(c)))).length) throw notFound('intel.not_found', 'No such STIX object');
    const rows = await repo.listOf(deps.db, id, MAX + 1);
    return c.json({ items: rows.slice(0, MAX), truncated: rows.length > MAX }, 200);
  });
  router.openapi(versionRoute, async (c) => {
    const { id, modified } = c.req.valid('param');
    const at = new Date(modified).getTime();
    const versions = await deps.intel.getVersions(id, tlpAllowedFor(requireUser(c)));
    const row = versions.find((v) => v.modified.getTime() === at);
    if (!row) throw notFound('intel.version_not_found', 'No such version of this STIX object');
    return c.json(toRecord(row), 200);
  });
  return router;
}
