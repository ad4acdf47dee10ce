import type { Kysely } from 'kysely';
import type { AssetRow, DB } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import type { LookupResponseT } from './constituency.schemas.ts';
import type { ConstituencyRepository } from './constituency.repository.ts';
import { classifyQuery, LookupIndex, parseAsn, type LookupKey, type Match } from '../../platform/lookup-index/index.ts';
import type { OrgScope } from './scope.ts';

export type LookupService = ReturnType<typeof createLookupService>;
export type Overlap = { organizationId: string; organizationName: string; assetId: string; value: string; relation: 'contains' | 'contained' | 'equal' };

const CATCH_UP_BATCH = 10_000;
const REBUILD_PAST = 200_000;

/**
 * Owns this process's in-memory lookup index and keeps it equal to the database: the index records
 * the asset change sequence it reflects, and before answering it replays whatever other processes
 * (or this one) committed since. A large backlog triggers a full rebuild instead.
 */
export function createLookupService(deps: { db: Kysely<DB>; repo: ConstituencyRepository; log: Logger }) {
  const { db, repo, log } = deps;
  let index: LookupIndex | null = null;
  let inFlight: Promise<LookupIndex> | null = null;
  let timer: NodeJS.Timeout | null = null;

  async function rebuild(): Promise<LookupIndex> {
    const started = performance.now();
    const next = await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (tx) => {
        const seq = await repo.latestChangeSeq(tx);
        const rows = await repo.allAssetsForIndex(tx);
        const built = LookupIndex.build(rows.map((r) => ({ assetId: r.id, organizationId: r.organization_id, type: r.type, value: r.value })));
        built.version = seq;
        return built;
      });
    log.info({ assets: next.size, version: next.version, ms: Math.round(performance.now() - started) }, 'lookup index built');
    index = next;
    return next;
  }

  async function catchUp(current: LookupIndex): Promise<LookupIndex> {
    const latest = await repo.latestChangeSeq(db);
    if (latest <= current.version) return current;
    if (latest - current.version > REBUILD_PAST) return rebuild();
    while (current.version < latest) {
      const changes = await repo.changesAfter(db, current.version, CATCH_UP_BATCH);
      if (!changes.length) break;
      for (const ch of changes) {
        if (ch.op === 'add') current.add({ assetId: ch.asset_id, organizationId: ch.organization_id, type: ch.type, value: ch.value });
        else current.remove(ch.asset_id);
        current.version = ch.seq;
      }
    }
    return current;
  }

  /** The index, brought up to date with every committed change; concurrent callers share one refresh. */
  function fresh(): Promise<LookupIndex> {
    inFlight ??= (index ? catchUp(index) : rebuild()).finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  async function orgsOf(matches: readonly Match[], scope: OrgScope) {
    const ids = [...new Set(matches.map((m) => m.organizationId))];
    const orgs = await repo.findOrganizationsByIds(db, ids, scope);
    return new Map(orgs.map((o) => [o.id, o]));
  }

  return {
    fresh,

    /** Note that assets changed; the refresh runs in the background. */
    changed(): void {
      fresh().catch((err: unknown) => log.error({ err }, 'lookup index refresh failed'));
    },

    /** Polls for other processes' changes so that the index is warm before the next lookup. */
    startPolling(ms: number): void {
      timer ??= setInterval(() => this.changed(), ms);
      timer.unref();
    },

    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },

    async lookup(query: string, scope: OrgScope): Promise<LookupResponseT> {
      const q = classifyQuery(query);
      if (!q.ok) throw new AppError('lookup.invalid_query', q.message, 400, { query });
      const idx = await fresh();
      const matches = idx.lookupKey(q.value.key);
      const orgs = await orgsOf(matches, scope);
      const visible = matches.filter((m) => orgs.has(m.organizationId));
      return {
        query,
        kind: q.value.kind,
        normalized: q.value.normalized,
        isOverlapping: new Set(visible.map((m) => m.organizationId)).size > 1,
        matches: visible.map((m) => {
          const o = orgs.get(m.organizationId)!;
          return {
            organization: { id: o.id, name: o.name, sector: o.sector, isCii: o.is_cii },
            asset: { id: m.assetId, type: m.type, value: m.value },
            matchType: m.matchType,
            specificity: m.specificity,
          };
        }),
      };
    },

    /** Registered assets of any organization that overlap a newly added one. */
    async overlapsFor(asset: AssetRow): Promise<Overlap[]> {
      const idx = await fresh();
      const found: { m: Match; relation: Overlap['relation'] }[] = [];
      if (asset.type === 'cidr') {
        const r = idx.overlaps(asset.value);
        if (r.ok) {
          for (const m of r.value.covering) found.push({ m, relation: m.value === asset.value ? 'equal' : 'contains' });
          for (const m of r.value.coveredBy) if (m.value !== asset.value) found.push({ m, relation: 'contained' });
        }
      } else {
        const asn = asset.type === 'asn' ? parseAsn(asset.value) : null;
        const key: LookupKey =
          asset.type === 'asn' ? { type: 'asn', value: asn?.ok ? asn.value : -1 } : { type: asset.type === 'email_domain' ? 'email_domain' : 'domain', value: asset.value };
        for (const m of idx.lookupKey(key)) {
          if (m.type === asset.type) found.push({ m, relation: m.value === asset.value ? 'equal' : 'contains' });
        }
      }
      const others = found.filter((f) => f.m.assetId !== asset.id);
      const orgs = await orgsOf(others.map((f) => f.m), { kind: 'all' });
      return others.map(({ m, relation }) => ({
        organizationId: m.organizationId,
        organizationName: orgs.get(m.organizationId)?.name ?? '',
        assetId: m.assetId,
        value: m.value,
        relation,
      }));
    },

    stats: () => index?.stats() ?? null,
  };
}
