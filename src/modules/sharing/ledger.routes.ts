import { createRoute } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.ts';
import { createRouter, errors, json, SECURITY } from '../../platform/http/openapi.ts';
import { requirePermission } from '../auth/index.ts';
import type { LedgerService } from './ledger.service.ts';
import { LedgerQuery, LedgerReportSchema, LedgerVerifySchema } from './sharing.schemas.ts';
import type { LedgerLine } from './ledger.repository.ts';

const tags = ['sharing'];
const CSV_COLUMNS = ['seq', 'position', 'at', 'partner_id', 'agreement_id', 'collection_id', 'object_id', 'object_modified', 'sha256', 'route', 'request_id', 'hash'] as const;

const routes = {
  report: createRoute({
    method: 'get',
    path: '/ledger',
    tags,
    summary: 'What left, to whom, when, under which agreement (per partner and period; format=csv for CSV)',
    security: SECURITY,
    request: { query: LedgerQuery },
    responses: { 200: { description: 'Ledger rows and a per-partner summary', content: { 'application/json': { schema: LedgerReportSchema }, 'text/csv': { schema: { type: 'string' } } } }, ...errors(400, 401, 403) },
  }),
  verify: createRoute({ method: 'get', path: '/ledger/verify', tags, summary: 'Verify the ledger hash chain; reports the first broken row', security: SECURITY, responses: { 200: json(LedgerVerifySchema, 'Result'), ...errors(401, 403) } }),
};

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
/** A report cursor: the last line's ledger row and its position in that row. */
const isAfter = (v: unknown): v is { s: number; n: number } => typeof v === 'object' && v !== null && isCount((v as { s: unknown }).s) && isCount((v as { n: unknown }).n);

function csvCell(v: unknown): string {
  const s = v instanceof Date ? v.toISOString() : v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The outbound ledger report (JSON or CSV) and its verification. */
export function ledgerRoutes(deps: { db: Kysely<DB>; ledger: LedgerService }) {
  const { db, ledger } = deps;
  const router = createRouter();
  router.openapi(routes.report, async (c) => {
    requirePermission(c, 'sharing:read');
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, isAfter) ?? { s: 0, n: 0 };
    const { rows, summary } = await ledger.report(db, { partnerId: q.partner, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, after: { seq: after.s, position: after.n }, limit: q.limit });
    const nextCursor = rows.length === q.limit ? encodeCursor({ s: rows.at(-1)!.seq, n: rows.at(-1)!.position }) : null;
    if (q.format === 'csv') {
      const lines = [CSV_COLUMNS.join(','), ...rows.map((r: LedgerLine) => CSV_COLUMNS.map((k) => csvCell(r[k])).join(','))];
      if (nextCursor) c.header('X-Next-Cursor', nextCursor);
      c.header('Content-Type', 'text/csv; charset=utf-8');
      return c.body(`${lines.join('\n')}\n`, 200) as never;
    }
    return c.json(
      {
        summary: (summary ?? []).map((s) => ({ partnerId: s.partner_id, sent: Number(s.sent), distinctObjects: Number(s.distinct_objects), firstAt: new Date(s.first_at).toISOString(), lastAt: new Date(s.last_at).toISOString() })),
        items: rows.map((r) => ({ seq: r.seq, position: r.position, at: r.at.toISOString(), partnerId: r.partner_id, agreementId: r.agreement_id, collectionId: r.collection_id, objectId: r.object_id, objectModified: r.object_modified, sha256: r.sha256, route: r.route, requestId: r.request_id, hash: r.hash })),
        nextCursor,
      },
      200,
    );
  });
  router.openapi(routes.verify, async (c) => {
    requirePermission(c, 'sharing:read');
    return c.json(await ledger.verify(db), 200);
  });
  return router;
}
