import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../platform/errors.ts';
import { createRouter, errors, json, jsonBody, SECURITY } from '../../platform/http/openapi.ts';
import { decodeUtf8Strict } from '../../platform/text.ts';
import { actorOf, requirePermission } from '../auth/index.ts';
import { CreateSectorRequest, LookupQuery, LookupResponse, SectorList, SectorSchema } from './constituency.schemas.ts';
import type { ExportService } from './export.service.ts';
import type { ImportService } from './import/import.service.ts';
import type { LookupService } from './lookup.service.ts';
import type { SectorsService } from './sectors.service.ts';
import { scopeOf } from './scope.ts';

const RowErrorSchema = z.object({ line: z.number().int(), field: z.string().nullable(), code: z.string(), reason: z.string() }).openapi('ImportRowError');
const ImportResultSchema = z
  .object({
    applied: z.boolean(),
    dryRun: z.boolean(),
    summary: z.object({ rows: z.number(), organizationsCreated: z.number(), organizationsUpdated: z.number(), assetsAdded: z.number(), contactsAdded: z.number(), failedRows: z.number() }),
    errors: z.array(RowErrorSchema),
  })
  .openapi('ImportResult');
const flag = (name: string) => z.enum(['true', 'false']).default('false').openapi({ param: { name, in: 'query' } });

const routes = {
  sectors: createRoute({ method: 'get', path: '/sectors', tags: ['constituency'], summary: 'The configured sectors', security: SECURITY, responses: { 200: json(SectorList, 'Sectors'), ...errors(401) } }),
  addSector: createRoute({ method: 'post', path: '/sectors', tags: ['constituency'], summary: 'Add a sector to the configured list', security: SECURITY, request: { body: jsonBody(CreateSectorRequest) }, responses: { 201: json(SectorSchema, 'Added'), ...errors(400, 401, 403, 409) } }),
  lookup: createRoute({ method: 'get', path: '/lookup', tags: ['constituency'], summary: 'Who owns an IP, CIDR, ASN, domain, URL or e-mail address (most specific first)', security: SECURITY, request: { query: LookupQuery }, responses: { 200: json(LookupResponse, 'Owners'), ...errors(400, 401, 403) } }),
  import: createRoute({
    method: 'post',
    path: '/imports/constituency',
    tags: ['constituency'],
    summary: 'Bulk import organizations, assets and contacts from CSV or JSON; all or nothing unless partial=true',
    security: SECURITY,
    request: {
      query: z.object({ partial: flag('partial'), dryRun: flag('dryRun') }),
      body: { required: true, content: { 'text/csv': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'array', items: { type: 'object' } } } } },
    },
    responses: { 200: json(ImportResultSchema, 'Applied (or validated, for a dry run)'), ...errors(400, 401, 403, 413, 415, 422) },
  }),
  export: createRoute({
    method: 'get',
    path: '/exports/constituency',
    tags: ['constituency'],
    summary: 'Export the visible constituency as JSON (import format) or CSV',
    security: SECURITY,
    request: { query: z.object({ format: z.enum(['json', 'csv']).default('json').openapi({ param: { name: 'format', in: 'query' } }) }) },
    responses: { 200: { description: 'The file', content: { 'application/json': { schema: { type: 'array' } }, 'text/csv': { schema: { type: 'string' } } } }, ...errors(400, 401, 403) },
  }),
};

export function registryRoutes(deps: { lookup: LookupService; imports: ImportService; exports: ExportService; sectors: SectorsService }) {
  const router = createRouter();

  router.openapi(routes.sectors, async (c) => {
    requirePermission(c, 'constituency:read');
    return c.json({ items: await deps.sectors.list() }, 200);
  });
  router.openapi(routes.addSector, async (c) => {
    requirePermission(c, 'users:manage');
    return c.json(await deps.sectors.create(c.req.valid('json'), actorOf(c)), 201);
  });
  router.openapi(routes.lookup, async (c) => {
    const p = requirePermission(c, 'lookup');
    return c.json(await deps.lookup.lookup(c.req.valid('query').q, scopeOf(p)), 200);
  });
  router.openapi(routes.import, async (c) => {
    requirePermission(c, 'constituency:import');
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    const format = type === 'text/csv' ? 'csv' : type === 'application/json' ? 'json' : null;
    if (!format) throw new AppError('request.unsupported_media_type', 'Send text/csv or application/json', 415, { allowed: ['text/csv', 'application/json'] });
    const { partial, dryRun } = c.req.valid('query');
    const text = decodeUtf8Strict(new Uint8Array(await c.req.arrayBuffer()));
    const result = await deps.imports.run(text, { format, partial: partial === 'true', dryRun: dryRun === 'true' }, actorOf(c));
    return c.json(result, 200);
  });
  router.openapi(routes.export, async (c) => {
    const p = requirePermission(c, 'constituency:read');
    const { format } = c.req.valid('query');
    const body = await deps.exports.export(scopeOf(p), format);
    const stamp = new Date().toISOString().slice(0, 10);
    c.header('Content-Disposition', `attachment; filename="constituency-${stamp}.${format}"`);
    c.header('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json');
    return c.body(body, 200) as never;
  });
  return router;
}
