import type { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely } from 'kysely';
import { embeddedPglite } from '../../../platform/db/database.ts';
import type { DB } from '../../../platform/db/schema.ts';
import type { LineError, RawChunk } from '../pipeline.types.ts';
import type { FeedReportRow, ReportSource } from '../pipeline.tables.ts';
import { CopyWriter, firstField, uuidBytes } from '../../../platform/db/copy-binary.ts';

/**
 * Bytes as a bytea parameter through hex text (`decode(hex)`): PGlite serializes a Uint8Array
 * parameter byte by byte in JavaScript (~2.4 s CPU for 12.5 MB, measured) where Buffer's hex and
 * the server's decode are native (~0.4 s). Same on the PostgreSQL server.
 */
export function byteaParam(data: Uint8Array) {
  const b = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return sql<Uint8Array>`decode(${b.toString('hex')}, 'hex')`;
}

/** The bytes of a bytea selected as `encode(col, 'hex')` (the fast way back, see byteaParam). */
export const fromHex = (hex: string): Buffer => Buffer.from(hex, 'hex');

/**
 * A chunk into feed_chunks on the embedded engine: one binary COPY row, the bytes as they are (no
 * hex text for PGlite to measure and copy as a JavaScript string). The pool's connection is held
 * for the statement, so it runs in no one else's transaction.
 */
async function copyChunk(db: Kysely<DB>, pglite: PGlite, reportId: string, feedId: string, c: RawChunk, now: Date): Promise<void> {
  const w = new CopyWriter(c.data.byteLength + 256);
  w.i16(9);
  w.bytes(uuidBytes(reportId));
  w.bytes(uuidBytes(feedId));
  w.int4(c.seq);
  w.int4(c.firstLine);
  w.int4(c.lineCount);
  w.int4(c.data.byteLength);
  w.bytes(c.data);
  w.text('pending');
  w.time(now.getTime());
  const blob = new Blob([w.end()]);
  await db.connection().execute(() => pglite.query(`COPY feed_chunks (report_id, feed_id, seq, first_line, line_count, bytes, data, state, run_at) FROM '/dev/blob' WITH (FORMAT binary)`, [], { blob }));
}

/**
 * The bytes of a chunk on the embedded engine, through `COPY (...) TO '/dev/blob'` in binary: no
 * hex text. Call it inside a transaction (or connection) of the engine, which holds its session.
 */
export async function chunkBytes(pglite: PGlite, chunkId: number): Promise<Buffer | null> {
  if (!Number.isSafeInteger(chunkId)) throw new Error(`bad chunk id ${chunkId}`);
  const r = await pglite.query(`COPY (select data from feed_chunks where id = ${chunkId}) TO '/dev/blob' WITH (FORMAT binary)`);
  return r.blob ? firstField(new Uint8Array(await r.blob.arrayBuffer())) : null;
}

/** SQL of the raw report store: reports being received, their chunks, their release to the queue. */
export function createReportsRepository() {
  return {
    begin: (db: Kysely<DB>, r: { id: string; feedId: string; source: ReportSource; sourceRef: string | null; now: Date }) =>
      db.insertInto('feed_reports').values({ id: r.id, feed_id: r.feedId, source: r.source, source_ref: r.sourceRef?.slice(0, 2000) ?? null, state: 'receiving', received_at: r.now }).execute(),

    /** A chunk of a report still being received: stored, but not yet work (state pending). */
    async addChunk(db: Kysely<DB>, reportId: string, feedId: string, c: RawChunk, now: Date): Promise<void> {
      const pglite = embeddedPglite(db);
      if (pglite) return copyChunk(db, pglite, reportId, feedId, c, now);
      await db
        .insertInto('feed_chunks')
        .values({ report_id: reportId, feed_id: feedId, seq: c.seq, first_line: c.firstLine, line_count: c.lineCount, bytes: c.data.byteLength, data: byteaParam(c.data), state: 'pending', run_at: now })
        .execute();
    },

    findBySha: (db: Kysely<DB>, feedId: string, sha256: string) =>
      db.selectFrom('feed_reports').selectAll().where('feed_id', '=', feedId).where('sha256', '=', sha256).executeTakeFirst(),

    /** Marks the report stored and releases its chunks to the workers (one transaction). */
    async release(tx: Kysely<DB>, r: { id: string; feedId: string; sha256: string; bytes: number; lines: number; chunks: number; header: string | null; now: Date }): Promise<FeedReportRow> {
      const empty = r.chunks === 0;
      const row = await tx
        .updateTable('feed_reports')
        .set({ sha256: r.sha256, bytes: r.bytes, lines: r.lines, chunks: r.chunks, header: r.header, state: empty ? 'done' : 'queued', stored_at: r.now, finished_at: empty ? r.now : null })
        .where('id', '=', r.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await tx.updateTable('feed_chunks').set({ state: 'queued', queued_at: r.now, run_at: r.now }).where('report_id', '=', r.id).execute();
      await tx.updateTable('feeds').set((eb) => ({ reports_total: eb('reports_total', '+', 1), last_report_at: r.now })).where('id', '=', r.feedId).execute();
      return row;
    },

    /** Errors the chunker found while storing (lines too long), with the report. */
    async addLineErrors(tx: Kysely<DB>, feedId: string, reportId: string, errors: readonly LineError[], now: Date): Promise<void> {
      if (!errors.length) return;
      await tx.insertInto('feed_errors').values(errors.map((e) => ({ feed_id: feedId, report_id: reportId, line: e.line, code: e.code, field: e.field ?? null, message: e.message, excerpt: e.excerpt, created_at: now }))).execute();
      await tx.updateTable('feed_reports').set((eb) => ({ errors: eb('errors', '+', errors.length) })).where('id', '=', reportId).execute();
      await tx.updateTable('feeds').set((eb) => ({ errors_total: eb('errors_total', '+', errors.length) })).where('id', '=', feedId).execute();
    },

    discard: (db: Kysely<DB>, id: string) => db.deleteFrom('feed_reports').where('id', '=', id).where('state', '=', 'receiving').execute(),

    /** Reports whose receiver died (no chunk for `idleMs`): removed with their chunks. */
    async purgeAbandoned(db: Kysely<DB>, now: Date, idleMs: number): Promise<number> {
      const cutoff = new Date(now.getTime() - idleMs).toISOString();
      const r = await sql`delete from feed_reports r where r.state = 'receiving' and r.received_at < ${cutoff}::timestamptz
        and not exists (select 1 from feed_chunks c where c.report_id = r.id and c.run_at >= ${cutoff}::timestamptz)`.execute(db);
      return Number(r.numAffectedRows ?? 0);
    },

    /**
     * Deletes the stored raw content (done chunks) of up to `limit` finished reports whose last chunk
     * finished before `before`, in one statement; dead letters stay (they can still be requeued). The
     * report row stays, with its SHA-256: the same content sent again is still a duplicate.
     */
    async purgeRaw(db: Kysely<DB>, before: Date, limit: number): Promise<{ reports: number; chunks: number; bytes: number }> {
      const { rows } = await sql<{ reports: number; chunks: number; bytes: string | number }>`
        with due as (
          select r.id from feed_reports r
           where r.state in ('done', 'dead') and r.finished_at < ${before.toISOString()}::timestamptz
             and exists (select 1 from feed_chunks c where c.report_id = r.id and c.state = 'done')
           order by r.finished_at limit ${limit}),
        gone as (delete from feed_chunks c using due where c.report_id = due.id and c.state = 'done' returning c.report_id, c.bytes)
        select count(distinct report_id)::int as reports, count(*)::int as chunks, coalesce(sum(bytes), 0) as bytes from gone`.execute(db);
      const r = rows[0];
      return { reports: r?.reports ?? 0, chunks: r?.chunks ?? 0, bytes: Number(r?.bytes ?? 0) };
    },

    /** Total bytes of chunks waiting or being processed (back-pressure). */
    async queuedBytes(db: Kysely<DB>): Promise<number> {
      const r = await sql<{ n: string | number }>`select coalesce(sum(bytes), 0) as n from feed_chunks where state in ('queued', 'running')`.execute(db);
      return Number(r.rows[0]?.n ?? 0);
    },
  };
}

export type ReportsRepository = ReturnType<typeof createReportsRepository>;
