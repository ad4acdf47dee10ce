import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { forbidden } from '../../platform/errors.ts';
import type { AppEnv, Principal } from '../../platform/http/context.ts';
import { createRouter, errors, IdParam, json, jsonBody, SECURITY } from '../../platform/http/openapi.ts';
import { actorOf, requirePermission, requireUser } from '../auth/index.ts';
import { ReportDetail, ReportList, ReportListQuery, ReportPatch } from './reports.schemas.ts';
import type { ReportsService } from './reports.service.ts';

const tags = ['reports'];
const AttachmentParams = IdParam.extend({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case SHA-256 hex digest').openapi({ param: { name: 'sha256', in: 'path' } }) });

const routes = {
  list: createRoute({ method: 'get', path: '/reports', tags, summary: 'Public reports, newest first', security: SECURITY, request: { query: ReportListQuery }, responses: { 200: json(ReportList, 'Reports'), ...errors(400, 401, 403) } }),
  get: createRoute({ method: 'get', path: '/reports/{id}', tags, summary: 'A report with its observables and attachment metadata', security: SECURITY, request: { params: IdParam }, responses: { 200: json(ReportDetail, 'The report'), ...errors(401, 403, 404) } }),
  attachment: createRoute({
    method: 'get',
    path: '/reports/{id}/attachments/{sha256}',
    tags,
    summary: 'Download an attachment (always application/octet-stream, never rendered inline)',
    security: SECURITY,
    request: { params: AttachmentParams },
    responses: { 200: { description: 'The bytes', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, ...errors(400, 401, 403, 404) },
  }),
  update: createRoute({ method: 'patch', path: '/reports/{id}', tags, summary: 'Change the status, public note or linked incident of a report', security: SECURITY, request: { params: IdParam, body: jsonBody(ReportPatch) }, responses: { 200: json(ReportDetail, 'Updated'), ...errors(400, 401, 403, 404) } }),
};

/** National CERT staff only (reports may carry personal data of the public), and an API key needs the scope. */
function requireAnalyst(c: Context<AppEnv>, permission: 'reports:read' | 'reports:write'): Principal {
  const p = requireUser(c);
  if (p.role !== 'admin' && p.role !== 'analyst') throw forbidden('Only national CERT analysts and administrators see public reports');
  return requirePermission(c, permission);
}

/** `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / 5987). */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^A-Za-z0-9._ -]/g, '_').slice(0, 150) || 'attachment';
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** Analyst endpoints; mounted behind the session/API-key middleware. */
export function reportsRoutes(deps: { reports: ReportsService }) {
  const { reports } = deps;
  const router = createRouter();
  router.openapi(routes.list, async (c) => {
    requireAnalyst(c, 'reports:read');
    return c.json(await reports.list(c.req.valid('query')), 200);
  });
  router.openapi(routes.get, async (c) => {
    requireAnalyst(c, 'reports:read');
    return c.json(await reports.get(c.req.valid('param').id), 200);
  });
  router.openapi(routes.attachment, async (c) => {
    requireAnalyst(c, 'reports:read');
    const { id, sha256 } = c.req.valid('param');
    const file = await reports.attachment(id, sha256);
    c.header('Content-Type', 'application/octet-stream');
    c.header('Content-Disposition', contentDisposition(file.filename));
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Content-Security-Policy', "default-src 'none'; sandbox");
    c.header('Cache-Control', 'no-store');
    return c.body(file.data as Uint8Array<ArrayBuffer>, 200) as never;
  });
  router.openapi(routes.update, async (c) => {
    requireAnalyst(c, 'reports:write');
    return c.json(await reports.update(c.req.valid('param').id, c.req.valid('json'), actorOf(c)), 200);
  });
  return router;
}
