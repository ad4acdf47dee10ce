import { hash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { Evaluated, Sharing } from '../sharing/index.ts';
import type { Granted } from './taxii.access.ts';
import type { CursorCodec } from './taxii.cursor.ts';
import type { TaxiiFilters } from './taxii.filters.ts';
import type { TaxiiRepository } from './taxii.repository.ts';

// Marking and extension definitions are never content: an agreement's type list does not hide them.
const STRUCTURAL = ['marking-definition', 'extension-definition', 'language-content'];
// A page whose rows the policy mostly excluded is refilled at most this many times before `more`.
const MAX_ROUNDS = 4;

export type Page = { items: Evaluated[]; more: boolean; next?: string | undefined };
export type Sent = { body: string; first?: Date | undefined; last?: Date | undefined; count: number };

function typesFor(g: Granted, asked: readonly string[] | undefined): string[] | undefined {
  const allowed = g.agreement.objectTypes ? [...g.agreement.objectTypes, ...STRUCTURAL] : undefined;
  if (!asked) return allowed;
  return allowed ? asked.filter((t) => allowed.includes(t)) : [...asked];
}

export type TaxiiReader = ReturnType<typeof createTaxiiReader>;

/**
 * The read side: every route (objects, object by id, versions, manifest) goes through `page`, which
 * asks the store with the agreement's TLP levels and types pushed into SQL, then runs each version
 * through the sharing policy, so no route can return what the policy forbids. Objects that leave
 * are serialized once, hashed, and appended to the ledger before the response is sent.
 */
export function createTaxiiReader(deps: { db: Kysely<DB>; repo: Pick<TaxiiRepository, 'listPage'>; sharing: Pick<Sharing, 'engine' | 'ledger'>; cursors: CursorCodec }) {
  const { db, repo, sharing, cursors } = deps;

  async function page(g: Granted, f: TaxiiFilters, scope: string, onlyIds?: ReadonlySet<string>): Promise<Page> {
    let afterSeq = f.next ? await cursors.decode(scope, f.next) : 0;
    const types = typesFor(g, f.types);
    if (types && !types.length) return { items: [], more: false };
    const tlpAllowed = g.agreement.tlpLevels.filter((t) => t !== 'red' && t !== 'amber+strict');
    const wanted = onlyIds ?? (f.ids ? new Set(f.ids) : undefined);
    const items: Evaluated[] = [];
    let exhausted = false;
    for (let round = 0; round < MAX_ROUNDS && items.length < f.limit; round++) {
      const want = f.limit - items.length;
      const rows = await repo.listPage(db, { types, ids: wanted ? [...wanted] : undefined, versions: f.versions, specVersions: f.specVersions, addedAfter: f.addedAfter, afterSeq, tlpAllowed, limit: want });
      if (rows.length) afterSeq = rows.at(-1)!.seq;
      // An object whose id the sanitizer changed is not reachable by its original id (that would
      // confirm a generalized address exists).
      for (const e of await sharing.engine.evaluate(g.agreement, g.partnerActive, rows)) if (e.object && (!wanted || wanted.has(e.object.id))) items.push(e);
      if (rows.length < want) {
        exhausted = true;
        break;
      }
    }
    return { items, more: !exhausted, next: exhausted ? undefined : await cursors.encode(scope, afterSeq) };
  }

  /** Serializes objects exactly once, records the delivery in the ledger (one row listing each), returns the envelope. */
  async function send(g: Granted, p: Page, ctx: { route: string; requestId: string | null }): Promise<Sent> {
    const parts = p.items.map((e) => JSON.stringify(e.object));
    const objects = p.items.map((e, i) => ({
      objectId: e.object!.id,
      objectModified: typeof e.object!.modified === 'string' ? e.object!.modified : e.row.version,
      sha256: hash('sha256', parts[i]!),
    }));
    await db.transaction().execute((tx) =>
      sharing.ledger.append(tx, { partnerId: g.agreement.partnerId, agreementId: g.agreement.id, collectionId: g.agreement.collectionId, route: ctx.route, requestId: ctx.requestId, objects }),
    );
    const head = `{"more":${p.more}${p.next ? `,"next":${JSON.stringify(p.next)}` : ''}`;
    return { body: parts.length ? `${head},"objects":[${parts.join(',')}]}` : `${head}}`, count: parts.length, ...addedRange(p.items) };
  }

  return {
    async objects(g: Granted, f: TaxiiFilters, ctx: { requestId: string | null }): Promise<Sent> {
      return send(g, await page(g, f, g.agreement.collectionId), { route: 'taxii.objects', ...ctx });
    },

    async object(g: Granted, id: string, f: TaxiiFilters, ctx: { requestId: string | null }): Promise<Sent> {
      const p = await page(g, f, `${g.agreement.collectionId}/${id}`, new Set([id]));
      if (!p.items.length && !f.next) throw new AppError('taxii.object_not_found', 'No such object in this collection', 404);
      return send(g, p, { route: 'taxii.object', ...ctx });
    },

    async versions(g: Granted, id: string, f: TaxiiFilters) {
      const p = await page(g, { ...f, versions: ['all'] }, `${g.agreement.collectionId}/${id}/versions`, new Set([id]));
      if (!p.items.length && !f.next) throw new AppError('taxii.object_not_found', 'No such object in this collection', 404);
      const body = { more: p.more, ...(p.next ? { next: p.next } : {}), versions: p.items.map((e) => e.row.version) };
      return { body, ...addedRange(p.items) };
    },

    async manifest(g: Granted, f: TaxiiFilters) {
      const p = await page(g, f, `${g.agreement.collectionId}/manifest`);
      const objects = p.items.map((e) => ({ id: e.object!.id, date_added: e.row.dateAdded.toISOString(), version: typeof e.object!.modified === 'string' ? e.object!.modified : e.row.version, media_type: 'application/stix+json;version=2.1' }));
      const body = { more: p.more, ...(p.next ? { next: p.next } : {}), ...(objects.length ? { objects } : {}) };
      return { body, ...addedRange(p.items) };
    },
  };
}

function addedRange(items: readonly Evaluated[]): { first?: Date; last?: Date } {
  if (!items.length) return {};
  let first = items[0]!.row.dateAdded;
  let last = first;
  for (const e of items) {
    if (e.row.dateAdded < first) first = e.row.dateAdded;
    if (e.row.dateAdded > last) last = e.row.dateAdded;
  }
  return { first, last };
}
