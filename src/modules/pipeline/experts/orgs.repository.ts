/**
 * The organizations as enrichment sees them, loaded in three set-based queries (organizations,
 * centers serving them, contacts) however many organizations there are.
 */
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { DB } from '../../../platform/db/schema.ts';
import type { OrgInfo } from '../pipeline.types.ts';

export type OrgsRepository = ReturnType<typeof createOrgsRepository>;

export function createOrgsRepository() {
  return {
    /** Every organization with its sector, CII flag and category, serving centers and contacts (24/7 first). */
    async loadOrgInfos(db: Kysely<DB>): Promise<Map<string, OrgInfo>> {
      const orgs = await db.selectFrom('organizations').select(['id', 'name', 'sector', 'is_cii', 'cii_category']).execute();
      const centers = await db.selectFrom('center_organizations').select(['organization_id', 'center_id']).orderBy('center_id').execute();
      // Security and abuse roles before others among equals; one address once per organization.
      const contacts = await sql<{ organization_id: string; email: string }>`
        select organization_id, email from (
          select distinct on (organization_id, lower(email)) organization_id, email, is_24x7, created_at, id,
                 (lower(role) in ('abuse', 'security', 'soc', 'csirt')) as is_security
          from contacts
          order by organization_id, lower(email), is_24x7 desc, created_at, id
        ) c
        order by organization_id, is_24x7 desc, is_security desc, created_at, id`.execute(db);
      const centersOf = group(centers, (r) => r.organization_id, (r) => r.center_id);
      const contactsOf = group(contacts.rows, (r) => r.organization_id, (r) => r.email);
      const out = new Map<string, OrgInfo>();
      for (const o of orgs) {
        out.set(o.id, {
          id: o.id,
          name: o.name,
          sector: o.sector,
          isCii: o.is_cii,
          ciiCategory: o.cii_category,
          centerIds: centersOf.get(o.id) ?? [],
          contacts: contactsOf.get(o.id) ?? [],
        });
      }
      return out;
    },
  };
}

function group<R>(rows: readonly R[], key: (r: R) => string, value: (r: R) => string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(value(r));
    else out.set(k, [value(r)]);
  }
  return out;
}

/**
 * A cached view of loadOrgInfos for the chunk processor: reloaded when older than maxAgeMs (the
 * organizations change rarely; a chunk must not pay three queries).
 */
export function createOrgInfoCache(deps: { db: Kysely<DB>; clock: Clock; repo?: OrgsRepository; maxAgeMs?: number }) {
  const repo = deps.repo ?? createOrgsRepository();
  const maxAgeMs = deps.maxAgeMs ?? 30_000;
  let cached: { at: number; orgs: Map<string, OrgInfo> } | null = null;
  let inFlight: Promise<Map<string, OrgInfo>> | null = null;
  return {
    /** The organizations, from cache when fresh enough; concurrent callers share one load. */
    get(): Promise<Map<string, OrgInfo>> {
      const now = deps.clock.now().getTime();
      if (cached && now - cached.at < maxAgeMs) return Promise.resolve(cached.orgs);
      inFlight ??= repo
        .loadOrgInfos(deps.db)
        .then((orgs) => {
          cached = { at: now, orgs };
          return orgs;
        })
        .finally(() => {
          inFlight = null;
        });
      return inFlight;
    },
    /** Forgets the cache (after a constituency change). */
    invalidate(): void {
      cached = null;
    },
  };
}
