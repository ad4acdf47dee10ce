import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';

/** One delivery row: its fields, its objects as the JSON text that was hashed, and its link. */
export type DeliveryInsert = {
  seq: number;
  at: Date;
  partnerId: string;
  agreementId: string;
  collectionId: string;
  route: string;
  requestId: string | null;
  objectsJson: string;
  prevHash: string;
  hash: string;
};

/** One object sent, as a report line: its delivery row's fields and its position in the delivery (1-based). */
export type LedgerLine = {
  seq: number;
  position: number;
  at: Date;
  partner_id: string;
  agreement_id: string;
  collection_id: string;
  object_id: string;
  object_modified: string;
  sha256: string;
  route: string;
  request_id: string | null;
  hash: string;
};

export type LedgerPeriod = { partnerId?: string | undefined; from?: Date | undefined; to?: Date | undefined };

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
    /** Inserts the delivery row and moves the head to it, in one statement. */
    async insertDelivery(tx: Kysely<DB>, d: DeliveryInsert): Promise<void> {
      await sql`with ins as (
          insert into sharing_ledger (seq, at, partner_id, agreement_id, collection_id, objects, route, request_id, prev_hash, hash)
          values (${d.seq}::int8, ${d.at.toISOString()}::timestamptz, ${d.partnerId}::uuid, ${d.agreementId}::uuid, ${d.collectionId}::uuid,
                  ${d.objectsJson}::jsonb, ${d.route}::text, ${d.requestId}::text, ${d.prevHash}::text, ${d.hash}::text))
        insert into sharing_ledger_head (id, seq, hash) values (true, ${d.seq}::int8, ${d.hash})
          on conflict (id) do update set seq = excluded.seq, hash = excluded.hash`.execute(tx);
    },
    listAfter: (db: Kysely<DB>, afterSeq: number, limit: number) =>
      db.selectFrom('sharing_ledger').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute(),
    /**
     * One line per object sent in a period (and to a partner), in ledger order, keyset-paged by
     * (row, position). A row of the single-object form is one line at position 1.
     */
    async listObjects(db: Kysely<DB>, q: LedgerPeriod & { after: { seq: number; position: number }; limit: number }): Promise<LedgerLine[]> {
      const { rows } = await sql<LedgerLine>`
        select l.seq::int8 as seq, o.n::int as position, l.at, l.partner_id, l.agreement_id, l.collection_id,
               coalesce(o.v->>0, l.object_id) as object_id, coalesce(o.v->>1, l.object_modified) as object_modified, coalesce(o.v->>2, l.sha256) as sha256,
               l.route, l.request_id, l.hash
          from sharing_ledger l cross join lateral jsonb_array_elements(coalesce(l.objects, '[null]'::jsonb)) with ordinality as o(v, n)
         where l.seq >= ${q.after.seq}::int8 and (l.seq > ${q.after.seq}::int8 or o.n > ${q.after.position}::int8) ${periodWhere(q)}
         order by l.seq, o.n
         limit ${q.limit}`.execute(db);
      return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
    },
    /** Per partner: objects sent, distinct objects, first and last time, in a period. */
    async summarize(db: Kysely<DB>, q: LedgerPeriod) {
      const { rows } = await sql<{ partner_id: string; sent: string; distinct_objects: string; first_at: Date; last_at: Date }>`
        select l.partner_id, count(*) as sent, count(distinct coalesce(o.v->>0, l.object_id)) as distinct_objects, min(l.at) as first_at, max(l.at) as last_at
          from sharing_ledger l cross join lateral jsonb_array_elements(coalesce(l.objects, '[null]'::jsonb)) as o(v)
         where true ${periodWhere(q)}
         group by l.partner_id
         order by l.partner_id`.execute(db);
      return rows;
    },
  };
}

function periodWhere(q: LedgerPeriod) {
  return sql.join(
    [
      sql``,
      ...(q.partnerId ? [sql`l.partner_id = ${q.partnerId}::uuid`] : []),
      ...(q.from ? [sql`l.at >= ${q.from.toISOString()}::timestamptz`] : []),
      ...(q.to ? [sql`l.at < ${q.to.toISOString()}::timestamptz`] : []),
    ],
    sql` and `,
  );
}
