import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { LedgerRow } from './sharing.tables.ts';

// Every ledger appender in every process serializes on this lock for the rest of its transaction.
const LEDGER_LOCK = 7_361_015;

export type LedgerRepository = ReturnType<typeof createLedgerRepository>;

/** SQL of the outbound ledger and its head. */
export function createLedgerRepository() {
  return {
    async lockChain(tx: Kysely<DB>): Promise<void> {
      await sql`select pg_advisory_xact_lock(${sql.lit(LEDGER_LOCK)})`.execute(tx);
    },
    findHead: (db: Kysely<DB>) => db.selectFrom('sharing_ledger_head').select(['seq', 'hash']).executeTakeFirst(),
    /** Inserts consecutive rows (chain order) in one statement and moves the head to the last. */
    async insertMany(tx: Kysely<DB>, rows: readonly LedgerRow[]): Promise<void> {
      const last = rows.at(-1);
      if (!last) return;
      const col = <K extends keyof LedgerRow>(k: K, type: string, f: (v: LedgerRow[K]) => unknown = (v) => v) => sql`${rows.map((r) => f(r[k]))}::${sql.raw(type)}[]`;
      await sql`insert into sharing_ledger (seq, at, partner_id, agreement_id, collection_id, object_id, object_modified, sha256, route, request_id, prev_hash, hash)
        select * from unnest(${sql.join([
          col('seq', 'int8'), col('at', 'timestamptz', (d) => d.toISOString()), col('partner_id', 'uuid'), col('agreement_id', 'uuid'), col('collection_id', 'uuid'),
          col('object_id', 'text'), col('object_modified', 'text'), col('sha256', 'text'), col('route', 'text'), col('request_id', 'text'),
          col('prev_hash', 'text'), col('hash', 'text'),
        ])})`.execute(tx);
      await tx
        .insertInto('sharing_ledger_head')
        .values({ seq: last.seq, hash: last.hash })
        .onConflict((oc) => oc.column('id').doUpdateSet({ seq: last.seq, hash: last.hash }))
        .execute();
    },
    listAfter: (db: Kysely<DB>, afterSeq: number, limit: number) =>
      db.selectFrom('sharing_ledger').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute(),
    /** Rows of a period (and partner), oldest first, keyset-paged by seq. */
    listPeriod(db: Kysely<DB>, q: { partnerId?: string | undefined; from?: Date | undefined; to?: Date | undefined; afterSeq: number; limit: number }) {
      let query = db.selectFrom('sharing_ledger').selectAll().where('seq', '>', q.afterSeq).orderBy('seq').limit(q.limit);
      if (q.partnerId) query = query.where('partner_id', '=', q.partnerId);
      if (q.from) query = query.where('at', '>=', q.from);
      if (q.to) query = query.where('at', '<', q.to);
      return query.execute();
    },
    /** Per partner: objects sent, distinct objects, first and last time, in a period. */
    summarize(db: Kysely<DB>, q: { partnerId?: string | undefined; from?: Date | undefined; to?: Date | undefined }) {
      let query = db
        .selectFrom('sharing_ledger')
        .select((eb) => [
          'partner_id',
          eb.fn.countAll<string>().as('sent'),
          sql<string>`count(distinct object_id)`.as('distinct_objects'),
          eb.fn.min('at').as('first_at'),
          eb.fn.max('at').as('last_at'),
        ])
        .groupBy('partner_id')
        .orderBy('partner_id');
      if (q.partnerId) query = query.where('partner_id', '=', q.partnerId);
      if (q.from) query = query.where('at', '>=', q.from);
      if (q.to) query = query.where('at', '<', q.to);
      return query.execute();
    },
  };
}
