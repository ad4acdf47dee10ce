/**
 * Bulk load of events, the statement: the binary COPY stream of a chunk (events-copy.ts) goes in
 * by COPY on either engine (platform/db/copy.ts), in the chunk's transaction.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { Kysely } from 'kysely';
import { txCopy } from '../../../platform/db/copy.ts';
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
  const copy = txCopy(tx, pglite);
  return (data) => copy('events', EVENT_COLUMNS, data);
}
