/**
 * Binary COPY streams of correlation rows (platform/db/copy.ts runs them in the caller's
 * transaction): samples on either engine, counts on a PostgreSQL server only (see `isServer`); the
 * embedded engine writes counts with SQL.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { CopyWriter } from '../../platform/db/copy-binary.ts';

/** Whether `db` is a PostgreSQL server (not the embedded WASM engine). */
export async function isServer(db: Kysely<DB>): Promise<boolean> {
  const { rows } = await sql<{ v: string }>`select version() as v`.execute(db);
  return !(rows[0]?.v ?? '').includes('emscripten');
}

export type SampleRow = { object_id: string; target_id: string; kind: string; value: string; matched: string; match: string };

/** intel_correlations rows as a binary COPY stream (columns SAMPLE_COLUMNS). */
export function encodeSamples(rows: readonly SampleRow[], targetKind: string, now: Date): Buffer {
  const w = new CopyWriter(rows.length * 160);
  const ms = now.getTime();
  for (const r of rows) {
    w.i16(8);
    w.text(r.object_id);
    w.text(targetKind);
    w.text(r.target_id);
    w.text(r.kind);
    w.text(r.value);
    w.text(r.matched);
    w.text(r.match);
    w.time(ms);
  }
  return w.end();
}

export const SAMPLE_COLUMNS = 'object_id, target_kind, target_id, kind, value, matched, match, created_at';

/** intel_correlation_counts rows as a binary COPY stream (columns COUNT_COLUMNS). */
export function encodeCounts(rows: readonly { object_id: string; total: number }[], targetKind: string, cap: number, now: Date): Buffer {
  const w = new CopyWriter(rows.length * 80);
  const ms = now.getTime();
  for (const r of rows) {
    w.i16(5);
    w.text(r.object_id);
    w.text(targetKind);
    w.int4(r.total);
    w.bool(r.total > cap);
    w.time(ms);
  }
  return w.end();
}

export const COUNT_COLUMNS = 'object_id, target_kind, total, is_over, updated_at';
