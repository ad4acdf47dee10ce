import { sql, type Insertable, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { AlertRow, AlertsTable, AlertStatus } from './centers.tables.ts';

export type AlertsRepository = ReturnType<typeof createAlertsRepository>;
export type AlertFilter = AlertStatus | 'unresolved' | undefined;

export function createAlertsRepository() {
  return {
    /** Inserts the alert unless an unresolved one holds its dedupe key; returns it only when inserted. */
    insertUnlessOpen: (db: Kysely<DB>, row: Insertable<AlertsTable>): Promise<AlertRow | undefined> =>
      db
        .insertInto('alerts')
        .values(row)
        // matches the partial unique index alerts_unresolved_dedupe_uq (a literal, so the planner can infer it)
        .onConflict((oc) => oc.column('dedupe_key').where('status', '<>', sql.lit('resolved')).doNothing())
        .returningAll()
        .executeTakeFirst(),
    findForUpdate: (db: Kysely<DB>, id: string) => db.selectFrom('alerts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst(),
    acknowledge: (db: Kysely<DB>, id: string, at: Date, userId: string | null) =>
      db.updateTable('alerts').set({ status: 'acknowledged', acknowledged_at: at, acknowledged_by: userId }).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
    /** Resolves the unresolved alert holding `dedupeKey`, if any; returns the rows resolved. */
    resolveByDedupeKey: (db: Kysely<DB>, dedupeKey: string, at: Date) =>
      db.updateTable('alerts').set({ status: 'resolved', resolved_at: at }).where('dedupe_key', '=', dedupeKey).where('status', '<>', sql.lit('resolved')).returningAll().execute(),
    listUnresolvedOfKind: (db: Kysely<DB>, kind: string) => db.selectFrom('alerts').selectAll().where('kind', '=', kind).where('status', '<>', 'resolved').execute(),
    /** Newest first, keyset-paged on (created_at, id). */
    listPage: (db: Kysely<DB>, q: { status: AlertFilter; limit: number; after?: { createdAt: Date; id: string } | undefined }) => {
      let query = db.selectFrom('alerts').selectAll();
      if (q.status === 'unresolved') query = query.where('status', '<>', 'resolved');
      else if (q.status) query = query.where('status', '=', q.status);
      const after = q.after;
      if (after) {
        query = query.where((eb) => eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]));
      }
      return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1).execute();
    },
  };
}
