import { createHash } from 'node:crypto';
import type { ColumnType, Kysely, Selectable } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { forbidden, notFound } from '../../platform/errors.ts';
import type { Principal } from '../../platform/http/context.ts';
import type { Actor, AuditService } from '../audit/index.ts';
// The one sniffer of the platform (pure, no dependencies): reports and incidents must agree on what a file is.
import { sniffType } from '../reports/index.ts';
import type { IncidentsRepository } from './incidents.repository.ts';
import { canWork } from './incidents.visibility.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** Migration 0009 (declared here rather than in incidents.tables.ts, which others are editing). */
export type IncidentAttachmentsTable = {
  incident_id: string;
  sha256: string;
  filename: string;
  declared_type: string | null;
  size: number;
  sniffed_type: string;
  uploaded_by: string | null;
  uploaded_by_label: string;
  created_at: Timestamp;
};
export type IncidentAttachmentRow = Selectable<IncidentAttachmentsTable>;

declare module '../../platform/db/schema.ts' {
  interface DB {
    incident_attachments: IncidentAttachmentsTable;
  }
}

export const ATTACHMENT_LIMITS = Object.freeze({ maxFiles: 10, maxFileBytes: 25 * 1024 * 1024, maxTotalBytes: 50 * 1024 * 1024 });

/** A file as uploaded: its cleaned name, the type the client claimed, its bytes. */
export type UploadedFile = { filename: string; declaredType: string | null; data: Uint8Array };

export type IncidentAttachmentsService = ReturnType<typeof createIncidentAttachmentsService>;

const COLUMNS = ['incident_id', 'sha256', 'filename', 'declared_type', 'size', 'sniffed_type', 'uploaded_by', 'uploaded_by_label', 'created_at'] as const;

/**
 * Files on a case. The bytes are stored once per content in `attachments` (shared with public
 * reports); each incident carries a given content once, so uploading it again changes nothing.
 * Every new attachment lands on the timeline and in the audit log, as metadata only.
 */
export function createIncidentAttachmentsService(deps: { db: Kysely<DB>; repo: IncidentsRepository; audit: AuditService; clock: Clock }) {
  const { db, repo, audit, clock } = deps;

  async function visibleOr404(d: Kysely<DB>, id: string, p: Principal): Promise<void> {
    if (!(await repo.findVisible(d, id, p))) throw notFound('incident.not_found', 'Incident not found');
  }

  return {
    async list(id: string, p: Principal): Promise<IncidentAttachmentRow[]> {
      await visibleOr404(db, id, p);
      return db.selectFrom('incident_attachments').select(COLUMNS).where('incident_id', '=', id).orderBy('created_at').orderBy('sha256').execute();
    },

    /** Attaches the files; answers one row per distinct content, in upload order (existing rows as they were). */
    async add(id: string, files: readonly UploadedFile[], p: Principal, actor: Actor): Promise<IncidentAttachmentRow[]> {
      if (!canWork(p)) throw forbidden('Your role cannot change incidents');
      // Hash and sniff before the transaction: the case stays locked only for the writes.
      const distinct = new Map<string, UploadedFile & { sha256: string; sniffedType: string }>();
      for (const f of files) {
        const sha256 = createHash('sha256').update(f.data).digest('hex');
        if (!distinct.has(sha256)) distinct.set(sha256, { ...f, sha256, sniffedType: sniffType(f.data) });
      }
      const shas = [...distinct.keys()];
      return db.transaction().execute(async (tx) => {
        await visibleOr404(tx, id, p);
        await repo.findForUpdate(tx, id);
        const now = clock.now();
        // In hash order, so two uploads sharing contents cannot deadlock on `attachments`.
        for (const a of [...distinct.values()].sort((x, y) => x.sha256.localeCompare(y.sha256))) {
          await tx
            .insertInto('attachments')
            .values({ sha256: a.sha256, size: a.data.byteLength, sniffed_type: a.sniffedType, data: a.data, created_at: now })
            .onConflict((oc) => oc.column('sha256').doNothing())
            .execute();
        }
        const added = await tx
          .insertInto('incident_attachments')
          .values(
            [...distinct.values()].map((a) => ({
              incident_id: id,
              sha256: a.sha256,
              filename: a.filename,
              declared_type: a.declaredType,
              size: a.data.byteLength,
              sniffed_type: a.sniffedType,
              uploaded_by: actor.userId,
              uploaded_by_label: actor.label,
              created_at: now,
            })),
          )
          .onConflict((oc) => oc.columns(['incident_id', 'sha256']).doNothing())
          .returning(COLUMNS)
          .execute();
        const addedBy = new Map(added.map((r) => [r.sha256, r]));
        for (const sha of shas) {
          const row = addedBy.get(sha);
          if (!row) continue;
          const data = { sha256: row.sha256, filename: row.filename, size: row.size, sniffedType: row.sniffed_type, declaredType: row.declared_type };
          await repo.appendTimeline(tx, { incident_id: id, at: now, actor_id: actor.userId, actor_label: actor.label, kind: 'attachment_added', data });
          await audit.append(tx, actor, { action: 'incident.attachment_added', entityType: 'incident', entityId: id, after: data });
        }
        if (added.length) await tx.updateTable('incidents').set({ updated_at: now }).where('id', '=', id).execute();
        const rows = await tx.selectFrom('incident_attachments').select(COLUMNS).where('incident_id', '=', id).where('sha256', 'in', shas).execute();
        const bySha = new Map(rows.map((r) => [r.sha256, r]));
        return shas.map((sha) => bySha.get(sha)).filter((r): r is IncidentAttachmentRow => r !== undefined);
      });
    },

    /** The bytes and stored name of one attachment, only through an incident the caller sees. */
    async download(id: string, sha256: string, p: Principal): Promise<{ filename: string; data: Uint8Array }> {
      await visibleOr404(db, id, p);
      const row = await db
        .selectFrom('incident_attachments as ia')
        .innerJoin('attachments as a', 'a.sha256', 'ia.sha256')
        .select(['ia.filename', 'a.data'])
        .where('ia.incident_id', '=', id)
        .where('ia.sha256', '=', sha256)
        .executeTakeFirst();
      if (!row) throw notFound('incident.attachment_not_found', 'This incident has no such attachment');
      return row;
    },
  };
}
