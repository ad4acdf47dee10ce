import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';

/** A run of chained rows: the batch's common fields once, then per object its fields and link hash. */
export type ChainInsert = {
  firstSeq: number;
  at: Date;
  partnerId: string;
  agreementId: string;
  collectionId: string;
  route: string;
  requestId: string | null;
  prevHash: string;
  objects: readonly { objectId: string; objectModified: string; sha256: string }[];
  hashes: readonly string[];
};

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
    /**
     * Inserts consecutive rows from `firstSeq` in one statement and moves the head to the last:
     * what is the same for the whole batch is sent once, each row's `prev_hash` is the hash before it.
     */
    async insertChain(tx: Kysely<DB>, c: ChainInsert): Promise<void> {
      const lastHash = c.hashes.at(-1);
      if (c.hashes.length !== c.objects.length) throw new Error('ledger: one link hash per object');
      if (!lastHash) return;
      const lastSeq = c.firstSeq + c.hashes.length - 1;
      // JSON text, not array parameters: the embedded engine's driver encodes arrays slowly in JavaScript.
      const column = (values: readonly string[]) => sql`json_array_elements_text(${JSON.stringify(values)}::json)`;
      await sql`with ins as (
          insert into sharing_ledger (seq, at, partner_id, agreement_id, collection_id, object_id, object_modified, sha256, route, request_id, prev_hash, hash)
          select ${c.firstSeq}::int8 + u.n - 1, ${c.at.toISOString()}::timestamptz, ${c.partnerId}::uuid, ${c.agreementId}::uuid, ${c.collectionId}::uuid,
                 u.object_id, u.object_modified, u.sha256, ${c.route}::text, ${c.requestId}::text, coalesce(lag(u.hash) over (order by u.n), ${c.prevHash}::text), u.hash
            from rows from (${column(c.objects.map((o) => o.objectId))}, ${column(c.objects.map((o) => o.objectModified))}, ${column(c.objects.map((o) => o.sha256))}, ${column(c.hashes)})
                 with ordinality as u(object_id, object_modified, sha256, hash, n))
        insert into sharing_ledger_head (id, seq, hash) values (true, ${lastSeq}::int8, ${lastHash})
          on conflict (id) do update set seq = excluded.seq, hash = excluded.hash`.execute(tx);
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
