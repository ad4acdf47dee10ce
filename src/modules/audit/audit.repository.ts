import { sql, type Kysely } from 'kysely';
import type { AuditRow, DB } from '../../platform/db/schema.ts';

// Every appender in every process serializes on this lock for the rest of its transaction.
const AUDIT_LOCK = 7_361_002;

export type AuditRepository = ReturnType<typeof createAuditRepository>;
/** An entry to insert; `before` and `after` are already JSON text (the bytes that were hashed). */
export type NewAuditRow = Omit<AuditRow, 'before' | 'after'> & { before: string | null; after: string | null };

export function createAuditRepository() {
  return {
    async lockChain(tx: Kysely<DB>): Promise<void> {
      await sql`select pg_advisory_xact_lock(${sql.lit(AUDIT_LOCK)})`.execute(tx);
    },
    async findHead(tx: Kysely<DB>) {
      return tx.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirst();
    },
    /** Inserts consecutive entries (in chain order) and moves the head to the last one. */
    async insertMany(tx: Kysely<DB>, rows: readonly NewAuditRow[]): Promise<void> {
      const last = rows.at(-1);
      if (!last) return;
      // One array parameter per column rather than one parameter per cell.
      const col = <K extends keyof NewAuditRow>(k: K, type: string, f: (v: NewAuditRow[K]) => unknown = (v) => v) => sql`${rows.map((r) => f(r[k]))}::${sql.raw(type)}[]`;
      await sql`insert into audit_log (seq, at, actor_id, actor_label, action, entity_type, entity_id, before, after, request_id, prev_hash, hash)
        select * from unnest(${sql.join([
          col('seq', 'int8'), col('at', 'timestamptz', (d) => d.toISOString()), col('actor_id', 'uuid'), col('actor_label', 'text'), col('action', 'text'),
          col('entity_type', 'text'), col('entity_id', 'text'), col('before', 'jsonb'), col('after', 'jsonb'), col('request_id', 'text'),
          col('prev_hash', 'text'), col('hash', 'text'),
        ])})`.execute(tx);
      await tx
        .insertInto('audit_head')
        .values({ seq: last.seq, hash: last.hash })
        .onConflict((oc) => oc.column('id').doUpdateSet({ seq: last.seq, hash: last.hash }))
        .execute();
    },
    async listAfter(db: Kysely<DB>, afterSeq: number, limit: number): Promise<AuditRow[]> {
      return db.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
    },
    async listPage(
      db: Kysely<DB>,
      q: { beforeSeq?: number | undefined; limit: number; entityType?: string | undefined; entityId?: string | undefined },
    ): Promise<AuditRow[]> {
      let query = db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(q.limit);
      if (q.beforeSeq !== undefined) query = query.where('seq', '<', q.beforeSeq);
      if (q.entityType) query = query.where('entity_type', '=', q.entityType);
      if (q.entityId) query = query.where('entity_id', '=', q.entityId);
      return query.execute();
    },
  };
}
