import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import type { Principal } from '../../platform/http/context.ts';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import type { AlertFilter, AlertsRepository } from './alerts.repository.ts';
import type { AlertRow, AlertSeverity } from './centers.tables.ts';

export type AlertsService = ReturnType<typeof createAlertsService>;

export type NewAlert = {
  kind: string;
  severity: AlertSeverity;
  subject: string;
  detail: Record<string, unknown>;
  entityType?: string | null;
  entityId?: string | null;
  /** One unresolved alert per key: raising it again while open or acknowledged does nothing. */
  dedupeKey?: string | null;
};

type Cursor = { t: string; id: string };
const isCursor = (v: unknown): v is Cursor =>
  !!v && typeof v === 'object' && typeof (v as Cursor).t === 'string' && !Number.isNaN(Date.parse((v as Cursor).t)) && typeof (v as Cursor).id === 'string';

/** Alerts for national analysts: raised and resolved by the rules that watch a condition, acknowledged by people. */
export function createAlertsService(deps: { db: Kysely<DB>; repo: AlertsRepository; audit: AuditService; clock: Clock }) {
  const { db, repo, audit, clock } = deps;

  // Alerts concern the whole national picture: national CERT staff only (and keys scoped for alerts).
  const requireNationalStaff = (p: Principal, permission: 'alerts:read' | 'alerts:write' = 'alerts:read') => {
    if ((p.role !== 'admin' && p.role !== 'analyst') || !p.permissions.has(permission)) throw forbidden('Alerts are for national CERT staff');
  };

  return {
    /** Raises an alert inside `tx`, audited; null when an unresolved alert holds the same dedupe key. */
    async raise(tx: Kysely<DB>, actor: Actor, a: NewAlert): Promise<AlertRow | null> {
      const row = await repo.insertUnlessOpen(tx, {
        id: randomUUID(),
        kind: a.kind,
        severity: a.severity,
        subject: a.subject,
        detail: JSON.stringify(a.detail),
        entity_type: a.entityType ?? null,
        entity_id: a.entityId ?? null,
        dedupe_key: a.dedupeKey ?? null,
        status: 'open',
        created_at: clock.now(),
      });
      if (!row) return null;
      await audit.append(tx, actor, { action: 'alert.raised', entityType: 'alert', entityId: row.id, after: row });
      return row;
    },

    /** Resolves the unresolved alert holding `dedupeKey` inside `tx`, audited; returns what it resolved. */
    async resolve(tx: Kysely<DB>, actor: Actor, dedupeKey: string, reason: string): Promise<AlertRow[]> {
      const rows = await repo.resolveByDedupeKey(tx, dedupeKey, clock.now());
      for (const row of rows) {
        await audit.append(tx, actor, { action: 'alert.resolved', entityType: 'alert', entityId: row.id, after: { status: row.status, resolvedAt: row.resolved_at, reason } });
      }
      return rows;
    },

    unresolvedOfKind: (kind: string) => repo.listUnresolvedOfKind(db, kind),

    async list(p: Principal, q: { status?: AlertFilter; limit: number; cursor?: string | undefined }) {
      requireNationalStaff(p);
      const c = decodeCursor(q.cursor, isCursor);
      const rows = await repo.listPage(db, { status: q.status, limit: q.limit, after: c ? { createdAt: new Date(c.t), id: c.id } : undefined });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return { rows: page, nextCursor: rows.length > q.limit && last ? encodeCursor({ t: last.created_at.toISOString(), id: last.id }) : null };
    },

    /** Someone is on it. Acknowledging twice is a no-op; a resolved alert is 409 `alert.resolved`. */
    async acknowledge(p: Principal, id: string, actor: Actor): Promise<AlertRow> {
      requireNationalStaff(p, 'alerts:write');
      return db.transaction().execute(async (tx) => {
        const before = await repo.findForUpdate(tx, id);
        if (!before) throw notFound('alert.not_found', 'Alert not found');
        if (before.status === 'resolved') throw new AppError('alert.resolved', 'The alert was resolved already', 409);
        if (before.status === 'acknowledged') return before;
        const row = await repo.acknowledge(tx, id, clock.now(), p.userId);
        await audit.append(tx, actor, {
          action: 'alert.acknowledged',
          entityType: 'alert',
          entityId: id,
          before: { status: before.status },
          after: { status: row.status, acknowledgedAt: row.acknowledged_at, acknowledgedBy: row.acknowledged_by },
        });
        return row;
      });
    },
  };
}
