import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { notFound } from '../../platform/errors.ts';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import type { Observable } from './observables.ts';
import type { ReportChanges, ReportsRepository } from './reports.repository.ts';
import type { ReportPatch } from './reports.schemas.ts';
import type { ReportRow, ReportStatus } from './reports.tables.ts';

type Cursor = { at: string; id: string };
const isCursor = (v: unknown): v is Cursor =>
  typeof v === 'object' && v !== null && typeof (v as Cursor).at === 'string' && !Number.isNaN(Date.parse((v as Cursor).at)) && typeof (v as Cursor).id === 'string' && /^[0-9a-f-]{36}$/.test((v as Cursor).id);

function toDetail(row: ReportRow, attachments: Awaited<ReturnType<ReportsRepository['attachmentsOf']>>) {
  const hasContact = row.contact_name !== null || row.contact_email !== null || row.contact_phone !== null;
  return {
    id: row.id,
    trackingCode: row.tracking_code,
    category: row.category,
    rsit: { taxonomy: row.rsit_taxonomy, type: row.rsit_type },
    status: row.status,
    publicNote: row.public_status_note,
    description: row.description,
    contact: hasContact ? { name: row.contact_name, email: row.contact_email, phone: row.contact_phone } : null,
    observables: (row.observables ?? []) as Observable[],
    attachments: attachments.map((a) => ({ sha256: a.sha256, filename: a.filename, declaredType: a.declared_type, sniffedType: a.sniffed_type, size: a.size })),
    submitter: { addressHash: row.client_ip_hash, userAgent: row.user_agent },
    incidentId: row.incident_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export type ReportsService = ReturnType<typeof createReportsService>;

/** The analysts' side: triage list, detail, attachments, status changes (audited). */
export function createReportsService(deps: { db: Kysely<DB>; repo: ReportsRepository; audit: AuditService; clock: Clock }) {
  const { db, repo, audit, clock } = deps;

  async function get(id: string) {
    const row = await repo.findById(db, id);
    if (!row) throw notFound('report.not_found', 'Report not found');
    return toDetail(row, await repo.attachmentsOf(db, id));
  }

  return {
    get,

    async list(q: { status?: ReportStatus | undefined; category?: string | undefined; limit: number; cursor?: string | undefined }) {
      const after = decodeCursor(q.cursor, isCursor);
      const rows = await repo.list(db, { status: q.status, category: q.category, limit: q.limit, after: after && { at: new Date(after.at), id: after.id } });
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.map((r) => ({
          id: r.id,
          trackingCode: r.tracking_code,
          category: r.category,
          rsit: { taxonomy: r.rsit_taxonomy, type: r.rsit_type },
          status: r.status,
          descriptionPreview: r.description_preview,
          observableCount: Number(r.observable_count),
          attachmentCount: Number(r.attachment_count ?? 0),
          incidentId: r.incident_id,
          createdAt: r.created_at.toISOString(),
          updatedAt: r.updated_at.toISOString(),
        })),
        nextCursor: rows.length > q.limit && last ? encodeCursor({ at: last.created_at.toISOString(), id: last.id }) : null,
      };
    },

    /** The bytes and stored name of one attachment of a report. */
    async attachment(id: string, sha256: string) {
      const row = await repo.attachmentData(db, id, sha256);
      if (!row) throw notFound('report.attachment_not_found', 'This report has no such attachment');
      return { filename: row.filename, data: row.data, size: row.size };
    },

    /** Changes status, public note or linked incident; audited with before and after. */
    async update(id: string, patch: ReportPatch, actor: Actor) {
      await db.transaction().execute(async (tx) => {
        const current = await repo.lockById(tx, id);
        if (!current) throw notFound('report.not_found', 'Report not found');
        const before: Record<string, unknown> = {};
        const after: Record<string, unknown> = {};
        const changes: ReportChanges = { updated_at: clock.now() };
        if (patch.status !== undefined && patch.status !== current.status) {
          [before.status, after.status, changes.status] = [current.status, patch.status, patch.status];
        }
        const note = patch.publicNote === undefined ? undefined : patch.publicNote || null;
        if (note !== undefined && note !== current.public_status_note) {
          [before.publicNote, after.publicNote, changes.public_status_note] = [current.public_status_note, note, note];
        }
        if (patch.incidentId !== undefined && patch.incidentId !== current.incident_id) {
          [before.incidentId, after.incidentId, changes.incident_id] = [current.incident_id, patch.incidentId, patch.incidentId];
        }
        if (Object.keys(after).length === 0) return;
        await repo.update(tx, id, changes);
        await audit.append(tx, actor, { action: 'report.updated', entityType: 'report', entityId: id, before: { trackingCode: current.tracking_code, ...before }, after: { trackingCode: current.tracking_code, ...after } });
      });
      return get(id);
    },
  };
}
