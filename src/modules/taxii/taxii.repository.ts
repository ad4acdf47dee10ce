import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { TaxiiStatusRow } from './taxii.tables.ts';

export type StatusDetail = { id: string; version?: string | undefined; message?: string | undefined };

/** SQL of TAXII status resources. */
export function createTaxiiRepository() {
  return {
    insertStatus: (db: Kysely<DB>, row: { id: string; partner_id: string | null; user_id: string; collection_id: string; total_count: number; pending_count: number; pendings: StatusDetail[]; at: Date }) =>
      db
        .insertInto('taxii_status')
        .values({
          id: row.id,
          partner_id: row.partner_id,
          user_id: row.user_id,
          collection_id: row.collection_id,
          status: 'pending',
          request_timestamp: row.at,
          total_count: row.total_count,
          pending_count: row.pending_count,
          pendings: JSON.stringify(row.pendings),
          updated_at: row.at,
        })
        .execute(),
    completeStatus: (db: Kysely<DB>, id: string, r: { successes: StatusDetail[]; failures: StatusDetail[]; at: Date }) =>
      db
        .updateTable('taxii_status')
        .set({
          status: 'complete',
          success_count: r.successes.length,
          failure_count: r.failures.length,
          pending_count: 0,
          successes: JSON.stringify(r.successes),
          failures: JSON.stringify(r.failures),
          pendings: '[]',
          updated_at: r.at,
        })
        .where('id', '=', id)
        .execute(),
    findStatus: (db: Kysely<DB>, id: string): Promise<TaxiiStatusRow | undefined> => db.selectFrom('taxii_status').selectAll().where('id', '=', id).executeTakeFirst(),
  };
}

export type TaxiiRepository = ReturnType<typeof createTaxiiRepository>;
