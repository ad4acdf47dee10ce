/**
 * Binary COPY inside a transaction, on either engine: the one way modules bulk-load rows they have
 * encoded in PostgreSQL's binary COPY format (copy-binary.ts). On the embedded engine the statement
 * runs on its only session, which the transaction holds (`COPY ... FROM '/dev/blob'`, rolled back
 * with the transaction); on a server, on the transaction's own connection (`FROM STDIN`, copy-server.ts).
 */
import type { PGlite } from '@electric-sql/pglite';
import type { Kysely } from 'kysely';
import { copyIn } from './copy-server.ts';
import type { DB } from './schema.ts';

/** COPYs an encoded stream (header, rows, trailer) into `table (columns)`. */
export type TxCopy = (table: string, columns: string, data: Uint8Array) => Promise<void>;

/** The COPY of transaction `tx`: through `pglite` (the embedded engine's session, which `tx` holds), or, when null, `tx`'s server connection. */
export function txCopy(tx: Kysely<DB>, pglite: PGlite | null): TxCopy {
  if (!pglite) return (table, columns, data) => copyIn(tx, table, columns, data);
  return async (table, columns, data) => {
    await pglite.query(`COPY ${table} (${columns}) FROM '/dev/blob' WITH (FORMAT binary)`, [], { blob: new Blob([data]) });
  };
}
