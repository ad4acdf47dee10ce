import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError, validationFailed } from '../../platform/errors.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { limitBody } from '../../platform/http/middleware.ts';
import { createRouter, errors, IdParam, json, SECURITY } from '../../platform/http/openapi.ts';
import type { AuditService } from '../audit/index.ts';
import { actorOf, requirePermission } from '../auth/index.ts';
import { ATTACHMENT_LIMITS, createIncidentAttachmentsService, type IncidentAttachmentRow, type UploadedFile } from './incidents.attachments.ts';
import type { IncidentsRepository } from './incidents.repository.ts';

const tags = ['incidents'];
const MULTIPART = 'multipart/form-data';
/** Room for the multipart boundaries and part headers on top of the files themselves. */
const MULTIPART_OVERHEAD = 1024 * 1024;

/**
 * The upload route reads its own body (multipart, up to 50 MB of files): the API-wide 1 MiB JSON-only
 * middleware in app.ts must let it through, and this says which requests those are.
 */
export function isIncidentAttachmentUpload(method: string, path: string): boolean {
  return method === 'POST' && /^\/api\/v1\/incidents\/[^/]+\/attachments\/?$/.test(path);
}

const AttachmentParams = IdParam.extend({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case SHA-256 hex digest').openapi({ param: { name: 'sha256', in: 'path' } }) });

const IncidentAttachment = z
  .object({
    sha256: z.string(),
    filename: z.string(),
    size: z.number().int(),
    sniffedType: z.string().openapi({ description: 'From the first bytes; the file is always served as application/octet-stream' }),
    declaredType: z.string().nullable().openapi({ description: 'What the uploader claimed; informational only' }),
    createdAt: z.string(),
    uploadedBy: z.object({ id: z.string().nullable(), label: z.string() }),
  })
  .openapi('IncidentAttachment');
const IncidentAttachmentList = z.object({ items: z.array(IncidentAttachment) });

const uploadSchema = {
  type: 'object' as const,
  required: ['file'],
  properties: { file: { type: 'array' as const, items: { type: 'string' as const, format: 'binary' }, description: 'Repeat the part for several files' } },
};

/** The last path segment, without control characters, at most 255 characters (as for report attachments). */
function cleanFilename(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  const clean = [...base]
    .filter((ch) => ch.charCodeAt(0) > 0x1f && ch !== '\u007f')
    .join('')
    .trim()
    .slice(0, 255);
  return clean === '' || clean === '.' || clean === '..' ? 'attachment' : clean;
}

function cleanType(type: string): string | null {
  const t = type.trim().toLowerCase();
  return /^[a-z0-9!#$&^_.+-]{1,127}\/[a-z0-9!#$&^_.+-]{1,127}(;.{0,200})?$/.test(t) ? t : null;
}

/** `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / 8187). */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^A-Za-z0-9._ -]/g, '_').slice(0, 150) || 'attachment';
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

const mediaType = (c: Context) => (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/** Permission first (no 50 MB read for someone who may not upload), then multipart only (415), then the body limit (413). */
function uploadBody(): MiddlewareHandler<AppEnv> {
  const limit = limitBody(ATTACHMENT_LIMITS.maxTotalBytes + MULTIPART_OVERHEAD);
  return async (c, next) => {
    requirePermission(c, 'incidents:write');
    if (mediaType(c) !== MULTIPART) throw new AppError('request.unsupported_media_type', `Send the files as ${MULTIPART}`, 415, { allowed: [MULTIPART] });
    return limit(c, next);
  };
}

/** The `file` parts of the body, within the limits; anything else in the form is refused. */
async function readFiles(c: Context): Promise<UploadedFile[]> {
  let form: FormData;
  try {
    form = await c.req.raw.formData();
  } catch {
    throw new AppError('attachment.invalid_multipart', 'The multipart/form-data body could not be read', 400);
  }
  const files: File[] = [];
  const issues: { path: string; message: string }[] = [];
  for (const [name, value] of form.entries()) {
    if (name !== 'file') issues.push({ path: name, message: 'Only "file" parts are accepted' });
    else if (typeof value === 'string') issues.push({ path: name, message: 'Expected a file, got a text field' });
    else if (!(value.size === 0 && value.name === '')) files.push(value);
  }
  if (issues.length) throw validationFailed(issues);
  if (files.length === 0) throw validationFailed([{ path: 'file', message: 'Attach at least one file' }]);
  const { maxFiles, maxFileBytes, maxTotalBytes } = ATTACHMENT_LIMITS;
  if (files.length > maxFiles) throw new AppError('attachment.too_many', `At most ${maxFiles} files per upload`, 400, { maxFiles, given: files.length });
  const big = files.find((f) => f.size > maxFileBytes);
  if (big) throw new AppError('request.too_large', `"${cleanFilename(big.name)}" is larger than ${maxFileBytes} bytes`, 413, { filename: cleanFilename(big.name), maxBytes: maxFileBytes });
  const total = files.reduce((n, f) => n + f.size, 0);
  if (total > maxTotalBytes) throw new AppError('request.too_large', `The files add up to more than ${maxTotalBytes} bytes`, 413, { maxBytes: maxTotalBytes });
  return Promise.all(files.map(async (f) => ({ filename: cleanFilename(f.name), declaredType: cleanType(f.type), data: new Uint8Array(await f.arrayBuffer()) })));
}

const toDto = (r: IncidentAttachmentRow) => ({
  sha256: r.sha256,
  filename: r.filename,
  size: r.size,
  sniffedType: r.sniffed_type,
  declaredType: r.declared_type,
  createdAt: r.created_at.toISOString(),
  uploadedBy: { id: r.uploaded_by, label: r.uploaded_by_label },
});

const r = {
  list: createRoute({ method: 'get', path: '/incidents/{id}/attachments', tags, summary: 'Files attached to an incident (metadata)', security: SECURITY, request: { params: IdParam }, responses: { 200: json(IncidentAttachmentList, 'Attachments'), ...errors(400, 401, 403, 404) } }),
  upload: createRoute({
    method: 'post',
    path: '/incidents/{id}/attachments',
    tags,
    summary: 'Attach files to an incident (multipart/form-data, one or more `file` parts)',
    description: `At most ${ATTACHMENT_LIMITS.maxFiles} files of ${ATTACHMENT_LIMITS.maxFileBytes} bytes each and ${ATTACHMENT_LIMITS.maxTotalBytes} bytes in all. A content the incident already carries is not added again.`,
    security: SECURITY,
    middleware: [uploadBody()],
    request: { params: IdParam, body: { required: true, content: { [MULTIPART]: { schema: uploadSchema } } } },
    responses: { 201: json(IncidentAttachmentList, 'Attached (or already attached)'), ...errors(400, 401, 403, 404, 413, 415) },
  }),
  download: createRoute({
    method: 'get',
    path: '/incidents/{id}/attachments/{sha256}',
    tags,
    summary: 'Download an attachment (always application/octet-stream, never rendered inline)',
    security: SECURITY,
    request: { params: AttachmentParams },
    responses: { 200: { description: 'The bytes', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, ...errors(400, 401, 403, 404) },
  }),
};

/**
 * Attachments of incidents. Mount inside the API router (behind the session/API-key middleware);
 * the upload route brings its own body limit and media type, see `isIncidentAttachmentUpload`.
 */
export function incidentAttachmentsRoutes(deps: { db: Kysely<DB>; audit: AuditService; clock: Clock; repo: IncidentsRepository }) {
  const attachments = createIncidentAttachmentsService(deps);
  const router = createRouter();
  router.openapi(r.list, async (c) => c.json({ items: (await attachments.list(c.req.valid('param').id, requirePermission(c, 'incidents:read'))).map(toDto) }, 200));
  router.openapi(r.upload, async (c) => {
    const p = requirePermission(c, 'incidents:write');
    const files = await readFiles(c);
    const rows = await attachments.add(c.req.valid('param').id, files, p, actorOf(c));
    return c.json({ items: rows.map(toDto) }, 201);
  });
  router.openapi(r.download, async (c) => {
    const { id, sha256 } = c.req.valid('param');
    const file = await attachments.download(id, sha256, requirePermission(c, 'incidents:read'));
    c.header('Content-Type', 'application/octet-stream');
    c.header('Content-Disposition', contentDisposition(file.filename));
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Content-Security-Policy', "default-src 'none'; sandbox");
    c.header('Cache-Control', 'no-store');
    return c.body(file.data as Uint8Array<ArrayBuffer>, 200) as never;
  });
  return router;
}
