/** SQL of the ASN prefix table and its import log. */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.ts';
import type { AsnPrefixImportRow } from './asn.tables.ts';
import type { Pfx2asRow } from './pfx2as.ts';

export type AsnRepository = ReturnType<typeof createAsnRepository>;
export type NewImport = { importedAt: Date; actor: string; source: 'api' | 'cli' | 'sample'; sha256: string; lines: number; prefixesV4: number; prefixesV6: number; asns: number };

export function createAsnRepository() {
  return {
    /** Serializes imports (two at once would collide on the primary key); released at commit. */
    async lockImports(tx: Kysely<DB>): Promise<void> {
      await sql`select pg_advisory_xact_lock(7361011)`.execute(tx);
    },

    async deleteAll(tx: Kysely<DB>): Promise<void> {
      await tx.deleteFrom('asn_prefixes').execute();
    },

    /** Inserts rows in one statement (one array parameter per column). */
    async insertMany(tx: Kysely<DB>, rows: readonly Pfx2asRow[]): Promise<void> {
      if (rows.length === 0) return;
      await sql`
        insert into asn_prefixes (prefix, asn, origins, cc, as_name)
        select p::cidr, a, o::bigint[], c, n
        from unnest(${rows.map((r) => r.prefix)}::text[], ${rows.map((r) => r.origins[0]!)}::int8[], ${rows.map((r) => `{${r.origins.join(',')}}`)}::text[],
                    ${rows.map((r) => r.cc)}::text[], ${rows.map((r) => r.asName)}::text[]) as t(p, a, o, c, n)`.execute(tx);
    },

    async insertImport(tx: Kysely<DB>, i: NewImport): Promise<AsnPrefixImportRow> {
      return tx
        .insertInto('asn_prefix_imports')
        .values({ imported_at: i.importedAt, actor: i.actor, source: i.source, sha256: i.sha256, lines: i.lines, prefixes_v4: i.prefixesV4, prefixes_v6: i.prefixesV6, asns: i.asns })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    latestImport(db: Kysely<DB>): Promise<AsnPrefixImportRow | undefined> {
      return db.selectFrom('asn_prefix_imports').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
    },

    /** Every prefix as canonical text with its AS, country and name (for the in-memory table). */
    async allPrefixes(db: Kysely<DB>): Promise<{ prefix: string; asn: number; cc: string | null; as_name: string | null }[]> {
      const { rows } = await sql<{ prefix: string; asn: number | string; cc: string | null; as_name: string | null }>`select prefix::text as prefix, asn, cc, as_name from asn_prefixes`.execute(db);
      return rows.map((r) => ({ ...r, asn: Number(r.asn) }));
    },

    async countPrefixes(db: Kysely<DB>): Promise<number> {
      const r = await db.selectFrom('asn_prefixes').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}
