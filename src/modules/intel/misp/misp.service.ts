import { randomUUID } from 'node:crypto';
import type { ImportOptions, ImportResult, IntelService } from '../intel.service.ts';
import type { StixRow, Tlp } from '../intel.tables.ts';
import { eventHeader, hashLines, toMispEvent, type MispEvent } from './misp.export.ts';
import { mispEventToStix, type Skipped } from './misp.map.ts';

export type MispImportResult = { eventUuid: string; skipped: Skipped[]; result: ImportResult };
type Store = Pick<IntelService, 'importBundle' | 'listObjects' | 'latestOf'>;

const EVENT_TYPES = ['report', 'grouping'];
const PAGE = 500;

const refsOf = (r: StixRow) => {
  const o = r.object as Record<string, unknown>;
  return Array.isArray(o.object_refs) ? (o.object_refs as unknown[]).filter((x): x is string => typeof x === 'string') : [];
};
const creatorOf = (r: StixRow) => {
  const c = (r.object as { created_by_ref?: unknown }).created_by_ref;
  return typeof c === 'string' ? c : null;
};

/** MISP interop over the STIX store: import events, and the store as a MISP feed per viewer's TLP. */
export function createMispService(deps: { intel: Store; maxEvents: number }) {
  const { intel } = deps;

  /** Reports and groupings the viewer may see, oldest first, at most `maxEvents`, page by page. */
  async function* eventPages(tlpAllowed: Tlp[] | undefined): AsyncGenerator<StixRow[]> {
    let afterSeq = 0;
    for (let n = 0; n < deps.maxEvents; ) {
      const rows = await intel.listObjects({ types: EVENT_TYPES, versions: ['last'], tlpAllowed, afterSeq, limit: Math.min(PAGE, deps.maxEvents - n) });
      if (!rows.length) return;
      yield rows;
      n += rows.length;
      afterSeq = Number(rows.at(-1)!.seq);
    }
  }

  async function events(rows: readonly StixRow[], tlpAllowed: Tlp[] | undefined, withAttributes: boolean): Promise<MispEvent[]> {
    const ids = new Set<string>();
    for (const r of rows) {
      if (withAttributes) for (const id of refsOf(r)) ids.add(id);
      const c = creatorOf(r);
      if (c) ids.add(c);
    }
    const found = new Map((await intel.latestOf([...ids], tlpAllowed)).map((x) => [x.id, x]));
    return rows.map((r) => {
      const org = found.get(creatorOf(r) ?? '');
      if (!withAttributes) return { Event: { ...eventHeader(r, org), Attribute: [] } };
      return toMispEvent(r, refsOf(r).map((id) => found.get(id)).filter((x): x is StixRow => !!x), org);
    });
  }

  return {
    /** Maps a MISP event to STIX and imports it (one bundle, per-object validation). */
    async importEvent(doc: unknown, opts: ImportOptions): Promise<MispImportResult> {
      const mapped = mispEventToStix(doc);
      const result = await intel.importBundle({ type: 'bundle', id: `bundle--${randomUUID()}`, objects: mapped.objects }, opts);
      return { eventUuid: mapped.eventUuid, skipped: mapped.skipped, result };
    },

    /** manifest.json: uuid -> event header, for every report and grouping the viewer may see. */
    async manifest(tlpAllowed: Tlp[] | undefined): Promise<Record<string, Record<string, unknown>>> {
      const out: Record<string, Record<string, unknown>> = {};
      for await (const rows of eventPages(tlpAllowed)) {
        for (const e of await events(rows, tlpAllowed, false)) {
          const { uuid, ...header } = e.Event;
          delete (header as { Attribute?: unknown }).Attribute;
          out[uuid] = header;
        }
      }
      return out;
    },

    /** One event file, or null when no report or grouping with this uuid is visible. */
    async event(uuid: string, tlpAllowed: Tlp[] | undefined): Promise<MispEvent | null> {
      const rows = await intel.latestOf(EVENT_TYPES.map((t) => `${t}--${uuid}`), tlpAllowed);
      const row = rows[0];
      return row ? ((await events([row], tlpAllowed, true))[0] ?? null) : null;
    },

    /** hashes.csv lines for every visible event. */
    async hashes(tlpAllowed: Tlp[] | undefined): Promise<string[]> {
      const out: string[] = [];
      for await (const rows of eventPages(tlpAllowed)) for (const e of await events(rows, tlpAllowed, true)) out.push(...hashLines(e));
      return out;
    },
  };
}

export type MispService = ReturnType<typeof createMispService>;
