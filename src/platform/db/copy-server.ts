/**
 * Binary COPY on a PostgreSQL server, inside the caller's Kysely transaction: rows go in wire format
 * (copy-binary.ts) instead of `insert ... select from unnest($1::text[], ...)`, whose values are
 * serialized into array literals in JavaScript and parsed again by the server.
 *
 * Kysely has no COPY: its PostgreSQL connection hands a compiled query's `sql` to node-postgres'
 * `client.query`, which runs any object with `submit()` as a custom query (what pg-copy-streams
 * and pg-cursor do). The query here is a node-postgres Query that answers the server's
 * CopyInResponse with the data, and is awaitable. The embedded engine (PGlite) has no such protocol
 * through its adapter: it runs `COPY ... FROM '/dev/blob'` on its session instead.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.ts';

const CHUNK = 1 << 20;

type CopyConnection = { sendCopyFromChunk(b: Buffer): void; endCopyFrom(): void };
type CopyQuery = pg.Query & {
  callback?: (err: Error | null, res: unknown) => void;
  handleCopyInResponse(c: CopyConnection): void;
};

/** Runs `COPY table (columns) FROM STDIN (FORMAT binary)` with `data` in the transaction `tx` (a server's). */
export async function copyIn(tx: Kysely<DB>, table: string, columns: string, data: Uint8Array): Promise<void> {
  const q = new pg.Query(`COPY ${table} (${columns}) FROM STDIN WITH (FORMAT binary)`) as CopyQuery;
  const done = new Promise<unknown>((resolve, reject) => {
    q.callback = (err, res) => (err ? reject(err) : resolve(res));
  });
  // node-postgres copies each piece with Buffer#copy: a Buffer view of the same memory, not a copy.
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  q.handleCopyInResponse = (c) => {
    for (let at = 0; at < bytes.length; at += CHUNK) c.sendCopyFromChunk(bytes.subarray(at, at + CHUNK));
    c.endCopyFrom();
  };
  Object.assign(q, { then: done.then.bind(done) });
  await tx.executeQuery(CompiledQuery.raw(q as unknown as string));
  await done;
}
