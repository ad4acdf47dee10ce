/**
 * Bulk load of events, the statement: the binary COPY stream of a chunk (events-copy.ts) goes in
 * with `COPY events FROM '/dev/blob'` on the embedded engine and `COPY events FROM STDIN` on a
 * PostgreSQL server (platform/db/copy-server.ts), in the chunk's transaction either way.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { Kysely } from 'kysely';
import { copyIn } from '../../../platform/db/copy-server.ts';
import type { DB } from '../../../platform/db/schema.ts';
import { EVENT_COLUMNS } from './events-copy.ts';

/** Where a chunk's encoded events go (header, rows, trailer), inside the chunk's transaction. */
export type EventSink = (data: Uint8Array) => Promise<void>;

/**
 * The COPY of events in the transaction `tx`: on the embedded engine through `pglite`, the engine's
 * only session, which `tx` holds (the statement runs inside that transaction and is rolled back with
 * it); on a server, through `tx`'s own connection.
 */
export function eventSink(tx: Kysely<DB>, pglite: PGlite | null): EventSink {
  return pglite ? (data) => copyStream(pglite, data) : (data) => copyIn(tx, 'events', EVENT_COLUMNS, data);
}

/** COPYs an encoded stream of events through the embedded engine's session. */
export async function copyStream(pglite: PGlite, data: Uint8Array): Promise<void> {
  await pglite.query(`COPY events (${EVENT_COLUMNS}) FROM '/dev/blob' WITH (FORMAT binary)`, [], { blob: new Blob([data]) });
}
