import { hash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { txCopy } from '../../platform/db/copy.ts';
import { embeddedPglite } from '../../platform/db/database.ts';
import type { DB } from '../../platform/db/schema.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import type { CorrelateRepository } from './correlate.repository.ts';
import { correlateChunk, correlateNew, eventItems, type ChunkEvent, type NewCorrelations, type NewItem, type StoredEvent } from './correlate.new.ts';
import type { NewObservable } from './correlate.intel-index.ts';
import { deleteVersions, type DeleteVersionsInput, type DeleteVersionsResult } from './intel.delete.ts';
import { edgesOf, objectRow, observablesOf } from './intel.import.ts';
import type { InsertedRow, IntelRepository, ListFilter, ObservableRow } from './intel.repository.ts';
import type { StixRow, Tlp } from './intel.tables.ts';
import { bundleObjects, checkBundle, externalRefs, unresolvedMarkings, versionOf } from './stix.bundle.ts';
import { applyMarkings, classifyMarking, type Marked } from './stix.markings.ts';
import type { Rejection } from './stix.validate.ts';

export type ImportOptions = {
  source: string;
  actor: Actor;
  /** Runs inside the import's transaction after the objects are stored (a caller's checkpoint commits with them). */
  onStored?: (tx: Kysely<DB>, result: ImportResult) => Promise<void>;
};
export type ImportResult = {
  bundleId: string | null;
  accepted: { id: string; modified: string }[];
  duplicates: { id: string; modified: string }[];
  rejected: Rejection[];
  warnings: Rejection[];
  idChanges: { from: string; to: string }[];
  correlations: { incidents: number; events: number; overCorrelated: string[] };
};

export type IntelDeps = {
  db: Kysely<DB>;
  audit: AuditService;
  clock: Clock;
  repo: IntelRepository;
  correlate: CorrelateRepository;
  /** TLP of objects that carry no TLP marking (AMBER unless configured). */
  defaultTlp: Tlp;
  /** N: samples kept per intel object and target kind; more matches flag it over-correlated. */
  correlationCap: number;
};

/**
 * The version of each inserted id that is now its latest: none when a version stored before the
 * import is later (`stored`: the versions of each id found under the import lock).
 */
function latestInserted(inserted: readonly InsertedRow[], stored: ReadonlyMap<string, readonly string[]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of inserted) {
    const prev = out.get(r.id);
    const superseded = stored.get(r.id)?.some((v) => v > r.modified) === true;
    if (!superseded && (prev === undefined || r.modified > prev)) out.set(r.id, r.modified);
  }
  return out;
}

/**
 * Ids that now have more than one stored version, with their newest (micros): their older versions
 * are superseded. Most imports bring ids stored for the first time, once: nothing to do for those.
 */
export function newestOfRevised(inserted: readonly InsertedRow[], stored: ReadonlyMap<string, readonly string[]>): Map<string, string> {
  const newest = new Map<string, string>();
  const once = new Map<string, string>();
  for (const r of inserted) {
    const known = newest.get(r.id) ?? once.get(r.id) ?? stored.get(r.id)?.reduce((a, b) => (b > a ? b : a));
    if (known === undefined) {
      once.set(r.id, r.modified);
      continue;
    }
    newest.set(r.id, r.modified > known ? r.modified : known);
  }
  return newest;
}

/**
 * What an import stored, as its audit entry records it: the rows of insertion order `seqFrom` to
 * `seqTo` are exactly its versions (imports serialize on their lock; a number in the range may have
 * been taken by no row, by a transaction that rolled back), and `sha256` is the SHA-256 of their
 * sorted `id@modified` lines (modified with microseconds) joined by line feeds, so the entry can be
 * checked against the store. A list of every version made a 20,000-object import's entry 1.5 MB,
 * and its writing took about 6% of the import.
 */
export type StoredRange = { seqFrom: number; seqTo: number; versions: number; sha256: string };

export function storedRange(inserted: readonly InsertedRow[], seqBefore: number, seqAfter: number): StoredRange {
  const lines = inserted.map((r) => `${r.id}@${r.modified}`).sort();
  return { seqFrom: seqBefore + 1, seqTo: seqAfter, versions: inserted.length, sha256: hash('sha256', lines.join('\n')) };
}

/** The intel store: bundle import with per-object validation, versions, listing. */
export function createIntelService(deps: IntelDeps) {
  const { db, repo, correlate, audit } = deps;
  // The embedded engine's session (null on a server): imports COPY through it, or through their transaction's connection on a server.
  const pglite = embeddedPglite(db);

  async function markObjects(checked: ReturnType<typeof checkBundle>): Promise<Marked[]> {
    for (const md of await repo.findMarkings(db, unresolvedMarkings(checked))) {
      if (!checked.markings.has(String(md.id))) checked.markings.set(String(md.id), classifyMarking(md));
    }
    return checked.valid.map((o) => applyMarkings(o, checked.markings, deps.defaultTlp));
  }

  async function danglingWarnings(marked: Marked[]): Promise<Rejection[]> {
    const refs = externalRefs(marked.map((m) => m.object));
    const stored = await repo.existingIds(db, [...refs.keys()]);
    const out: Rejection[] = [];
    for (const [ref, from] of refs) {
      if (!stored.has(ref)) for (const id of from) out.push({ id, code: 'stix.dangling_ref', reason: `${ref} is neither in the bundle nor stored` });
    }
    return out;
  }

  async function store(tx: Kysely<DB>, marked: Marked[], opts: ImportOptions, warnings: Rejection[]) {
    const now = await repo.lockImports(tx);
    // Under the imports' lock: COPY, on either engine (intel.copy.ts).
    const copy = txCopy(tx, pglite);
    const rows = marked.map((m) => objectRow(m, opts.source, now));
    // One lookup of what is stored for the bundle's ids: known versions are duplicates, the rest new.
    const stored = await repo.storedVersions(tx, [...new Set(rows.map((r) => r.id))]);
    const unknown = rows.filter((r) => stored.get(r.id)?.includes(r.modified) !== true);
    const seqBefore = unknown.length ? await repo.lastSeq(tx) : 0;
    const inserted = await repo.insertObjects(tx, unknown, copy);
    const range = inserted.length ? storedRange(inserted, seqBefore, await repo.lastSeq(tx)) : null;
    await repo.supersede(tx, newestOfRevised(inserted, stored));
    const isNew = new Set(inserted.map((r) => `${r.id}|${r.modified}`));
    const latest = latestInserted(inserted, stored);
    const current = marked.filter((m) => latest.get(m.object.id) === versionOf(m.object));
    const observables: ObservableRow[] = current.flatMap((m) => observablesOf(m.object, warnings));
    // Objects stored before have observables and edges to replace; first-stored ones have none.
    const firstStored = new Set(current.map((m) => m.object.id).filter((id) => !stored.has(id)));
    await repo.replaceObservables(tx, current.map((m) => m.object.id).filter((id) => stored.has(id)), observables, copy);
    await repo.insertEdges(tx, current.flatMap((m) => edgesOf(m.object)), copy, firstStored);
    const inc = await correlate.correlate(tx, 'incident', observables, deps.correlationCap, now);
    const ev = await correlate.correlate(tx, 'event', observables, deps.correlationCap, now);
    const over = [...inc, ...ev].filter((r) => r.total > deps.correlationCap).map((r) => r.object_id);
    return { isNew, range, correlations: { incidents: inc.length, events: ev.length, overCorrelated: [...new Set(over)] } };
  }

  return {
    /**
     * Imports a bundle: every object validated on its own (rejections reported, the rest goes on),
     * SCO ids made deterministic, markings normalized to TLP 2.0, new versions stored in one
     * transaction (a known id + modified is a duplicate, not an error), observables extracted and
     * correlated, and one audit entry for the whole bundle (counts, rejections, and the versions stored
     * as a range with a digest: StoredRange).
     */
    async importBundle(bundle: unknown, opts: ImportOptions): Promise<ImportResult> {
      const checked = checkBundle(bundleObjects(bundle));
      const marked = await markObjects(checked);
      const warnings = await danglingWarnings(marked);
      for (const m of marked) for (const u of m.unknownMarkings) warnings.push({ id: m.object.id, code: 'stix.unknown_marking', reason: `marking ${u} is unknown: the object is at least TLP:${deps.defaultTlp.toUpperCase()}` });
      const bundleId = typeof (bundle as { id?: unknown }).id === 'string' ? ((bundle as { id: string }).id) : null;
      return db.transaction().execute(async (tx) => {
        const { isNew, range, correlations } = await store(tx, marked, opts, warnings);
        const versions = marked.map((m) => ({ id: m.object.id, modified: versionOf(m.object) }));
        const accepted = [...versions.filter((v) => isNew.has(`${v.id}|${v.modified}`)), ...checked.standardMarkings];
        const duplicates = [...checked.duplicates, ...versions.filter((v) => !isNew.has(`${v.id}|${v.modified}`))];
        const result: ImportResult = { bundleId, accepted, duplicates, rejected: checked.rejected, warnings, idChanges: checked.idChanges, correlations };
        await audit.append(tx, opts.actor, {
          action: 'intel.bundle_imported',
          entityType: 'stix_bundle',
          entityId: bundleId,
          after: {
            source: opts.source,
            counts: { accepted: accepted.length, duplicates: duplicates.length, rejected: checked.rejected.length, warnings: warnings.length },
            stored: range,
            rejected: checked.rejected.map((r) => ({ id: r.id, code: r.code })),
          },
        });
        if (opts.onStored) await opts.onStored(tx, result);
        return result;
      });
    },

    /** Deletes versions of an object that came from `source` (audited); see intel.delete.ts. */
    async deleteVersions(input: DeleteVersionsInput, actor: Actor): Promise<DeleteVersionsResult> {
      const result = await deleteVersions({ db, audit, repo }, input, actor);
      // An older version left may carry other observables (this process's index; others keep the stale ones, which never correlate).
      if (result.deleted.length) await correlate.intel.reload(db, [input.id]);
      return result;
    },

    /**
     * Matches new incidents' observables / stored pipeline events against the stored intel and
     * records the correlations (capped samples, true totals) in the caller's transaction; see
     * correlate.new.ts. Cheap when nothing matches.
     */
    correlateNew(tx: Kysely<DB>, items: readonly NewItem[]): Promise<NewCorrelations> {
      return correlateNew(tx, correlate.intel, items, deps.correlationCap, deps.clock.now());
    },

    /** The incidents module's observables listener: incidents that gained observables, in their transaction. */
    correlateIncidents(tx: Kysely<DB>, incidents: readonly { id: string; observables: readonly NewObservable[] }[]): Promise<NewCorrelations> {
      return correlateNew(tx, correlate.intel, incidents.map((i) => ({ kind: 'incident' as const, id: i.id, observables: i.observables })), deps.correlationCap, deps.clock.now());
    },

    /** For the pipeline: a chunk's events, ids resolved only for those that match (see correlateChunk). */
    correlateChunk(tx: Kysely<DB>, events: readonly ChunkEvent[], resolveIds: (positions: number[]) => Promise<(string | null)[]>): Promise<NewCorrelations> {
      return correlateChunk(tx, correlate.intel, events, resolveIds, deps.correlationCap, deps.clock.now());
    },

    /** For the pipeline, after a chunk's events are stored (same transaction, or right after it with `db`). */
    correlateEvents(tx: Kysely<DB>, events: readonly StoredEvent[]): Promise<NewCorrelations> {
      return correlateNew(tx, correlate.intel, eventItems(events), deps.correlationCap, deps.clock.now());
    },

    /**
     * Builds (or brings up to date) the in-memory indexes correlation uses (pipeline events, and
     * stored intel for correlating new incidents and events);
     * done by the first import otherwise. Call it at start so that import does not wait for it.
     * Returns the number of events read.
     */
    async prepareCorrelation(): Promise<number> {
      await correlate.intel.catchUp(db);
      return correlate.events.catchUp(db);
    },

    /** One page of object versions in insertion order; `tlpAllowed` restricts what is returned. */
    listObjects(filter: ListFilter): Promise<StixRow[]> {
      return repo.list(db, filter);
    },

    /** Every version of an object (oldest first) the TLP filter lets through. */
    getVersions(id: string, tlpAllowed?: Tlp[]): Promise<StixRow[]> {
      return repo.versions(db, id, tlpAllowed);
    },

    relationshipsOf(id: string, limit: number) {
      return repo.edgesOf(db, id, limit);
    },

    latestOf(ids: readonly string[], tlpAllowed?: Tlp[]) {
      return repo.latestOf(db, ids, tlpAllowed);
    },

    sightingsOf(id: string) {
      return correlate.sightingsOf(db, id);
    },

    matchesOfIncident(incidentId: string, tlpAllowed: Tlp[] | undefined, limit: number) {
      return correlate.matchesOfIncident(db, incidentId, tlpAllowed, limit);
    },
  };
}

export type IntelService = ReturnType<typeof createIntelService>;
