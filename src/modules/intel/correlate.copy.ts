/**
 * Binary COPY of correlation rows on a PostgreSQL server, inside the caller's Kysely transaction.
 * `insert ... select from unnest($1::text[], ...)` had every value of ~285k samples serialized into
 * array literals in JavaScript and parsed again by the server; COPY sends them in wire format.
 *
 * Kysely has no COPY: its PostgreSQL connection hands a compiled query's `sql` to node-postgres'
 * `client.query`, which runs any object with `submit()` as a custom query (what pg-copy-streams
 * and pg-cursor do). The query here is a node-postgres Query that answers the server's
 * CopyInResponse with the stream, and is awaitable. The embedded engine (PGlite) has no such
 * protocol through its adapter: callers use SQL there (see `isServer`); COPY FROM '/dev/blob' with
 * the engine's session was tried once for these rows and was slower (re-correlating 285k samples).
 */
import { CompiledQuery, sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { DB } from '../../platform/db/schema.ts';
import { CopyWriter } from '../../platform/db/copy-binary.ts';

const CHUNK = 1 << 20;

type CopyConnection = { sendCopyFromChunk(b: Buffer): void; endCopyFrom(): void };
type CopyQuery = pg.Query & {
  callback?: (err: Error | null, res: unknown) => void;
  handleCopyInResponse(c: CopyConnection): void;
};

/** Whether `db` is a PostgreSQL server (not the embedded WASM engine). */
export async function isServer(db: Kysely<DB>): Promise<boolean> {
  const { rows } = await sql<{ v: string }>`select version() as v`.execute(db);
  return !(rows[0]?.v ?? '').includes('emscripten');
}

/** Runs `COPY table (columns) FROM STDIN (FORMAT binary)` with `data` in the transaction `tx` (a server's). */
export async function copyIn(tx: Kysely<DB>, table: string, columns: string, data: Buffer): Promise<void> {
  const q = new pg.Query(`COPY ${table} (${columns}) FROM STDIN WITH (FORMAT binary)`) as CopyQuery;
  const done = new Promise<unknown>((resolve, reject) => {
    q.callback = (err, res) => (err ? reject(err) : resolve(res));
  });
  q.handleCopyInResponse = (c) => {
    for (let at = 0; at < data.length; at += CHUNK) c.sendCopyFromChunk(data.subarray(at, at + CHUNK));
    c.endCopyFrom();
  };
  Object.assign(q, { then: done.then.bind(done) });
  await tx.executeQuery(CompiledQuery.raw(q as unknown as string));
  await done;
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
