import { createRoute, z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.ts';
import { createRouter, errors, json, PageQuery, SECURITY } from '../../platform/http/openapi.ts';
import type { AuditService } from './audit.service.ts';
import { AppError } from '../../platform/errors.ts';
import type { Context } from 'hono';
import type { AppEnv } from '../../platform/http/context.ts';

const Entry = z
  .object({
    seq: z.number().int(),
    at: z.iso.datetime(),
    actorId: z.uuid().nullable(),
    actorLabel: z.string(),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    requestId: z.string().nullable(),
    hash: z.string(),
  })
  .openapi('AuditEntry');

const list = createRoute({
  method: 'get',
  path: '/audit',
  tags: ['audit'],
  summary: 'The audit log, newest first (administrators)',
  security: SECURITY,
  request: {
    query: PageQuery.extend({
      entityType: z.string().max(64).optional().openapi({ param: { name: 'entityType', in: 'query' } }),
      entityId: z.string().max(128).optional().openapi({ param: { name: 'entityId', in: 'query' } }),
    }),
  },
  responses: { 200: json(z.object({ items: z.array(Entry), nextCursor: z.string().nullable() }).openapi('AuditPage'), 'Entries'), ...errors(400, 401, 403) },
});
const verify = createRoute({
  method: 'get',
  path: '/audit/verify',
  tags: ['audit'],
  summary: 'Check the hash chain; reports the first broken link',
  security: SECURITY,
  responses: { 200: json(z.object({ ok: z.boolean(), count: z.number(), brokenAt: z.number().optional(), reason: z.string().optional() }).openapi('AuditVerification'), 'Result'), ...errors(401, 403) },
});

const isSeqCursor = (v: unknown): v is { s: number } => typeof (v as { s?: unknown })?.s === 'number';

// Audit routes check the permission here: the audit module sits below auth and must not import it.
function requireAuditor(c: Context<AppEnv>): void {
  const p = c.get('principal');
  if (!p) throw new AppError('auth.unauthenticated', 'Sign in or send an API key', 401);
  if (!p.permissions.has('audit:read')) throw new AppError('auth.forbidden', 'This needs the audit:read permission', 403);
}

export function auditRoutes(deps: { db: Kysely<DB>; audit: AuditService }) {
  const router = createRouter();
  router.openapi(list, async (c) => {
    requireAuditor(c);
    const { limit, cursor, entityType, entityId } = c.req.valid('query');
    const before = decodeCursor(cursor, isSeqCursor);
    const rows = await deps.audit.list(deps.db, { beforeSeq: before?.s, limit: limit + 1, entityType, entityId });
    const page = rows.slice(0, limit);
    const items = page.map((r) => ({
      seq: r.seq,
      at: r.at.toISOString(),
      actorId: r.actor_id,
      actorLabel: r.actor_label,
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      before: r.before,
      after: r.after,
      requestId: r.request_id,
      hash: r.hash,
    }));
    const last = page.at(-1);
    return c.json({ items, nextCursor: rows.length > limit && last ? encodeCursor({ s: last.seq }) : null }, 200);
  });
  router.openapi(verify, async (c) => {
    requireAuditor(c);
    return c.json(await deps.audit.verify(deps.db), 200);
  });
  return router;
}
