import { sql, type Kysely } from 'kysely';
import type { AuditRow, DB } from '../../platform/db/schema.ts';

// Every appender in every process serializes on this lock for the rest of its transaction.
const AUDIT_LOCK = 7_361_002;

export type AuditRepository = ReturnType<typeof createAuditRepository>;

export function createAuditRepository() {
  return {
    async lockChain(tx: Kysely<DB>): Promise<void> {
      await sql`select pg_advisory_xact_lock(${sql.lit(AUDIT_LOCK)})`.execute(tx);
    },
    async findHead(tx: Kysely<DB>) {
      return tx.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirst();
    },
    async insert(tx: Kysely<DB>, row: AuditRow): Promise<void> {
      await tx.insertInto('audit_log').values({ ...row, before: json(row.before), after: json(row.after) }).execute();
      await tx
        .insertInto('audit_head')
        .values({ seq: row.seq, hash: row.hash })
        .onConflict((oc) => oc.column('id').doUpdateSet({ seq: row.seq, hash: row.hash }))
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

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
