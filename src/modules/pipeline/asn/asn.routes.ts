import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../../platform/errors.ts';
import { createRouter, errors, json, SECURITY } from '../../../platform/http/openapi.ts';
import { actorOf, requirePermission } from '../../auth/index.ts';
import type { AsnService } from './asn.service.ts';

const Counts = z.object({ v4: z.number().int(), v6: z.number().int() });
const ImportSummary = z.object({ seq: z.number().int(), lines: z.number().int(), prefixes: Counts, asns: z.number().int(), sha256: z.string() }).openapi('AsnPrefixImport');
const Stats = z
  .object({
    prefixes: Counts,
    asns: z.number().int(),
    lastImport: z.object({ seq: z.number().int(), importedAt: z.string(), actor: z.string(), source: z.string(), sha256: z.string(), lines: z.number().int() }).nullable(),
  })
  .openapi('AsnPrefixStats');

/** Media types accepted for the raw pfx2as file. */
export const ASN_IMPORT_MEDIA_TYPES = ['text/plain', 'application/octet-stream'];

const routes = {
  import: createRoute({
    method: 'post',
    path: '/asn-prefixes',
    tags: ['pipeline'],
    summary: 'Replace the ASN / country prefix table with a pfx2as file (prefix TAB length TAB origin [TAB cc [TAB AS name]]); all or nothing',
    security: SECURITY,
    request: { body: { required: true, content: { 'text/plain': { schema: { type: 'string' } } } } },
    responses: { 200: json(ImportSummary, 'Imported'), ...errors(400, 401, 403, 413, 415, 422) },
  }),
  stats: createRoute({
    method: 'get',
    path: '/asn-prefixes/stats',
    tags: ['pipeline'],
    summary: 'Size of the ASN / country prefix table and its last import',
    security: SECURITY,
    responses: { 200: json(Stats, 'Statistics'), ...errors(401, 403) },
  }),
};

/** POST /asn-prefixes (admin, raw text body) and GET /asn-prefixes/stats. */
export function asnRoutes(deps: { asn: AsnService }) {
  const router = createRouter();
  router.openapi(routes.import, async (c) => {
    requirePermission(c, 'users:manage');
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!ASN_IMPORT_MEDIA_TYPES.includes(type)) throw new AppError('request.unsupported_media_type', `Send the file as ${ASN_IMPORT_MEDIA_TYPES.join(' or ')}`, 415, { allowed: ASN_IMPORT_MEDIA_TYPES });
    const body = c.req.raw.body;
    if (!body) throw new AppError('asn.import_empty', 'The prefix file has no prefixes; nothing was imported', 422);
    return c.json(await deps.asn.import(body, { source: 'api' }, actorOf(c)), 200);
  });
  router.openapi(routes.stats, async (c) => {
    requirePermission(c, 'constituency:read');
    return c.json(await deps.asn.stats(), 200);
  });
  return router;
}
