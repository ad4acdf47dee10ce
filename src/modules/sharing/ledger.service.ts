import { hash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { canonicalJson } from '../audit/index.ts';
import type { LedgerRepository } from './ledger.repository.ts';
import type { LedgerObject, LedgerRow } from './sharing.tables.ts';

export const LEDGER_GENESIS = '0'.repeat(64);
// Rows read per query while verifying: a delivery row carries up to a page of objects (~130 KB).
const VERIFY_BATCH = 200;

/** One object that left: what, to whom, under which agreement, the hash of the exact bytes sent. */
export type Departure = { objectId: string; objectModified: string; sha256: string };
/** One delivery (a TAXII response, a push envelope): one ledger row listing its objects in order. */
export type DepartureBatch = { partnerId: string; agreementId: string; collectionId: string; route: string; requestId: string | null; objects: readonly Departure[] };

export type LedgerVerifyResult = { ok: true; count: number; objects: number } | { ok: false; count: number; objects: number; brokenAt: number; reason: string };

type Chained = Omit<LedgerRow, 'prev_hash' | 'hash'>;

/**
 * What a row's link hash covers: its common fields and, in its form, either the one object of a
 * row written before deliveries (object_id, object_modified, sha256) or the delivery's `objects`.
 * Null when the row mixes both forms (only an edit can do that; the table's CHECK forbids it).
 */
function hashedFields(row: Chained): Record<string, unknown> | null {
  const { objects, object_id, object_modified, sha256, ...common } = row;
  const base = { ...common, at: row.at.toISOString() };
  if (objects === null) return object_id !== null && object_modified !== null && sha256 !== null ? { ...base, object_id, object_modified, sha256 } : null;
  return object_id === null && object_modified === null && sha256 === null && Array.isArray(objects) ? { ...base, objects } : null;
}

/** The link hash: SHA-256 over the previous hash, a newline and the canonical JSON of the row's fields; null for a row of no valid form. */
export function ledgerLinkHash(prevHash: string, row: Chained): string | null {
  const fields = hashedFields(row);
  return fields && hash('sha256', `${prevHash}\n${canonicalJson(fields)}`);
}

/**
 * A delivery row's `objects` and link hash, after `prevHash`: the same bytes as `ledgerLinkHash`
 * (canonical JSON has the keys in sorted order, and a list of string triples is its own canonical
 * JSON), written in one go. `objectsJson` is stored as it is.
 */
export function deliveryLink(prevHash: string, seq: number, at: Date, batch: DepartureBatch): { objectsJson: string; hash: string } {
  const j = JSON.stringify;
  const objects: LedgerObject[] = batch.objects.map((o) => [o.objectId, o.objectModified, o.sha256]);
  const objectsJson = j(objects);
  // Keys: agreement_id, at, collection_id, objects, partner_id, request_id, route, seq
  const text = `{"agreement_id":${j(batch.agreementId)},"at":${j(at.toISOString())},"collection_id":${j(batch.collectionId)},"objects":${objectsJson},"partner_id":${j(batch.partnerId)},"request_id":${batch.requestId === null ? 'null' : j(batch.requestId)},"route":${j(batch.route)},"seq":${seq}}`;
  return { objectsJson, hash: hash('sha256', `${prevHash}\n${text}`) };
}

export type LedgerService = ReturnType<typeof createLedgerService>;

/** The outbound ledger: a gap-free hash chain with a row per delivery, listing every object sent. */
export function createLedgerService(deps: { repo: LedgerRepository; clock: Clock }) {
  const { repo, clock } = deps;
  return {
    /** Appends one row for the delivery (its objects in order, hashed here), inside the caller's transaction. */
    async append(tx: Kysely<DB>, batch: DepartureBatch): Promise<void> {
      if (!batch.objects.length) return;
      await repo.lockChain(tx);
      const head = await repo.findHead(tx);
      const at = clock.now();
      const seq = Number(head?.seq ?? 0) + 1;
      const prevHash = head?.hash ?? LEDGER_GENESIS;
      const link = deliveryLink(prevHash, seq, at, batch);
      await repo.insertDelivery(tx, { seq, at, partnerId: batch.partnerId, agreementId: batch.agreementId, collectionId: batch.collectionId, route: batch.route, requestId: batch.requestId, objectsJson: link.objectsJson, prevHash, hash: link.hash });
    },

    /** One line per object sent in a period (and to a partner), oldest first, with a per-partner summary. */
    async report(db: Kysely<DB>, q: { partnerId?: string | undefined; from?: Date | undefined; to?: Date | undefined; after: { seq: number; position: number }; limit: number }) {
      const first = q.after.seq === 0 && q.after.position === 0;
      const [rows, summary] = await Promise.all([repo.listObjects(db, q), first ? repo.summarize(db, q) : Promise.resolve(null)]);
      return { rows, summary };
    },

    /** Walks the chain; reports the first row that was edited, deleted or reordered. */
    async verify(db: Kysely<DB>): Promise<LedgerVerifyResult> {
      let prev = LEDGER_GENESIS;
      let expected = 1;
      let objects = 0;
      const broken = (reason: string): LedgerVerifyResult => ({ ok: false, count: expected - 1, objects, brokenAt: expected, reason });
      for (;;) {
        const rows = await repo.listAfter(db, expected - 1, VERIFY_BATCH);
        if (!rows.length) break;
        for (const raw of rows) {
          const row = { ...raw, seq: Number(raw.seq) };
          if (row.seq !== expected) return broken(`row ${expected} is missing`);
          if (row.prev_hash !== prev) return broken(`row ${row.seq} does not follow row ${row.seq - 1}`);
          const { prev_hash: _p, hash: stored, ...fields } = row;
          if (ledgerLinkHash(prev, fields) !== stored) return broken(`row ${row.seq} was modified`);
          prev = stored;
          objects += row.objects?.length ?? 1;
          expected++;
        }
      }
      const count = expected - 1;
      const head = await repo.findHead(db);
      if (Number(head?.seq ?? 0) !== count || (head && head.hash !== prev)) {
        return { ok: false, count, objects, brokenAt: count + 1, reason: `rows after ${count} were deleted (the head records ${head?.seq ?? 0})` };
      }
      return { ok: true, count, objects };
    },
  };
}
