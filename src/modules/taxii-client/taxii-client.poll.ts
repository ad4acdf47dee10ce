import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { Actor } from '../audit/index.ts';
import type { IntelService, Tlp } from '../intel/index.ts';
import type { Agreement, Sharing } from '../sharing/index.ts';
import { screenInbound } from '../taxii/index.ts';
import { taxiiJson } from './taxii-client.http.ts';
import type { TaxiiClientRepository } from './taxii-client.repository.ts';
import type { ConnectionRow } from './taxii-client.tables.ts';
import type { Target } from './taxii-client.target.ts';

export type PollDeps = { db: Kysely<DB>; repo: TaxiiClientRepository; intel: Pick<IntelService, 'importBundle'>; sharing: Pick<Sharing, 'store'>; maxPages: number };
export type PollOutcome = { pages: number; received: number; accepted: number; duplicates: number; rejected: number; refused: number; checkpoint: string | null };

/** What Vigil already holds of the ids and markings an envelope names (for the inbound screen). */
async function known(sharing: Pick<Sharing, 'store'>, objects: readonly unknown[]) {
  const ids = new Set<string>();
  for (const o of objects) {
    const r = o as Record<string, unknown> | null;
    if (!r || typeof r !== 'object') continue;
    if (typeof r.id === 'string') ids.add(r.id);
    for (const m of Array.isArray(r.object_marking_refs) ? r.object_marking_refs : []) if (typeof m === 'string') ids.add(m);
  }
  const latest = ids.size ? await sharing.store.latest([...ids]) : [];
  return {
    storedTlp: new Map<string, Tlp>(latest.filter((v) => v.type !== 'marking-definition').map((v) => [v.id, v.tlp])),
    storedMarkings: new Set(latest.filter((v) => v.type === 'marking-definition').map((v) => v.id)),
  };
}

/** The first request of a run overlaps the checkpoint by a millisecond: objects added in the same instant as the last one seen are fetched again (they are duplicates), never skipped. */
function overlap(checkpoint: string | null): string | undefined {
  if (!checkpoint) return undefined;
  const t = new Date(checkpoint).getTime();
  return Number.isNaN(t) ? undefined : new Date(t - 1).toISOString();
}

function objectsUrl(base: string, q: { limit: number; addedAfter?: string | undefined; next?: string | undefined }): string {
  const u = new URL(base);
  u.searchParams.set('limit', String(q.limit));
  if (q.addedAfter) u.searchParams.set('added_after', q.addedAfter);
  if (q.next) u.searchParams.set('next', q.next);
  return u.href;
}

/**
 * One poll run: GET objects with `added_after` = the checkpoint, following `next` (or, when a
 * server pages with `more` alone, the page's X-TAXII-Date-Added-Last). Each page is screened like
 * an inbound TAXII POST (the inbound agreement's TLP levels and types, forged or downgrading
 * markings) and imported with source `partner:<id>`; the page's X-TAXII-Date-Added-Last is
 * committed in the same transaction, so a crash resumes at the last page stored.
 */
export async function pollConnection(deps: PollDeps, conn: ConnectionRow, agreement: Agreement, target: Target, actor: Actor): Promise<PollOutcome> {
  const out: PollOutcome = { pages: 0, received: 0, accepted: 0, duplicates: 0, rejected: 0, refused: 0, checkpoint: conn.poll_added_after };
  let addedAfter = overlap(conn.poll_added_after);
  let next: string | undefined;
  while (out.pages < deps.maxPages) {
    const { body, headers } = await taxiiJson(objectsUrl(target.objectsUrl, { limit: conn.page_size, addedAfter, next }), target.http);
    out.pages++;
    if (body.objects !== undefined && !Array.isArray(body.objects)) throw new AppError('taxii_client.invalid_answer', 'The envelope\'s "objects" is not an array', 502);
    const objects = (body.objects as unknown[] | undefined) ?? [];
    const last = typeof headers['x-taxii-date-added-last'] === 'string' ? headers['x-taxii-date-added-last'] : undefined;
    const checkpoint = last ?? out.checkpoint;
    await importPage(deps, conn, agreement, objects, checkpoint, actor, out);
    out.received += objects.length;
    out.checkpoint = checkpoint;
    if (body.more !== true || !objects.length) break;
    if (typeof body.next === 'string' && body.next) next = body.next;
    else if (last) addedAfter = last;
    else break;
  }
  return out;
}

async function importPage(deps: PollDeps, conn: ConnectionRow, agreement: Agreement, objects: unknown[], checkpoint: string | null, actor: Actor, out: PollOutcome): Promise<void> {
  const screened = screenInbound(objects, agreement, await known(deps.sharing, objects));
  out.refused += screened.failures.length;
  const commit = (tx: Kysely<DB>) => (checkpoint ? deps.repo.setPollCheckpoint(tx, conn.id, checkpoint) : Promise.resolve());
  if (!screened.pass.length) {
    await commit(deps.db);
    return;
  }
  const result = await deps.intel.importBundle(
    { type: 'bundle', id: `bundle--${randomUUID()}`, objects: screened.pass },
    { source: `partner:${conn.partner_id}`, actor, onStored: async (tx) => void (await commit(tx)) },
  );
  out.accepted += result.accepted.length;
  out.duplicates += result.duplicates.length;
  out.rejected += result.rejected.length;
}
