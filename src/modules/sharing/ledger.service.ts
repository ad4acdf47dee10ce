import { hash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { canonicalJson } from '../audit/index.ts';
import type { LedgerRepository } from './ledger.repository.ts';
import type { LedgerRow } from './sharing.tables.ts';

export const LEDGER_GENESIS = '0'.repeat(64);

/** One object that left: what, to whom, under which agreement, the hash of the exact bytes sent. */
export type Departure = { objectId: string; objectModified: string; sha256: string };
export type DepartureBatch = { partnerId: string; agreementId: string; collectionId: string; route: string; requestId: string | null; objects: readonly Departure[] };

export type LedgerVerifyResult = { ok: true; count: number } | { ok: false; count: number; brokenAt: number; reason: string };

type Chained = Omit<LedgerRow, 'prev_hash' | 'hash'>;

/** The link hash: SHA-256 over the previous hash, a newline and the canonical JSON of the row. */
export function ledgerLinkHash(prevHash: string, row: Chained): string {
  return hash('sha256', `${prevHash}\n${canonicalJson({ ...row, at: row.at.toISOString() })}`);
}

/**
 * The link hashes of a batch's rows, from `firstSeq` after `prevHash`: the same bytes as
 * `ledgerLinkHash` row by row (canonical JSON has the keys in sorted order, so the fields common to
 * the batch are written once and each row only adds its own).
 */
export function ledgerBatchHashes(prevHash: string, firstSeq: number, at: Date, batch: DepartureBatch): string[] {
  const j = JSON.stringify;
  // Keys: agreement_id, at, collection_id | object_id, object_modified | partner_id, request_id, route | seq | sha256
  const head = `{"agreement_id":${j(batch.agreementId)},"at":${j(at.toISOString())},"collection_id":${j(batch.collectionId)},"object_id":`;
  const middle = `,"partner_id":${j(batch.partnerId)},"request_id":${batch.requestId === null ? 'null' : j(batch.requestId)},"route":${j(batch.route)},"seq":`;
  let prev = prevHash;
  return batch.objects.map((o, i) => {
    prev = hash('sha256', `${prev}\n${head}${j(o.objectId)},"object_modified":${j(o.objectModified)}${middle}${firstSeq + i},"sha256":${j(o.sha256)}}`);
    return prev;
  });
}

export type LedgerService = ReturnType<typeof createLedgerService>;

/** The outbound ledger: a gap-free hash chain of every object sent to a partner. */
export function createLedgerService(deps: { repo: LedgerRepository; clock: Clock }) {
  const { repo, clock } = deps;
  return {
    /** Appends one row per object (one statement, hashes chained here), inside the caller's transaction. */
    async append(tx: Kysely<DB>, batch: DepartureBatch): Promise<void> {
      if (!batch.objects.length) return;
      await repo.lockChain(tx);
      const head = await repo.findHead(tx);
      const at = clock.now();
      const firstSeq = Number(head?.seq ?? 0) + 1;
      const prevHash = head?.hash ?? LEDGER_GENESIS;
      const hashes = ledgerBatchHashes(prevHash, firstSeq, at, batch);
      await repo.insertChain(tx, { firstSeq, at, partnerId: batch.partnerId, agreementId: batch.agreementId, collectionId: batch.collectionId, route: batch.route, requestId: batch.requestId, prevHash, objects: batch.objects, hashes });
    },

    /** Rows of a period (and partner), oldest first, with a per-partner summary. */
    async report(db: Kysely<DB>, q: { partnerId?: string | undefined; from?: Date | undefined; to?: Date | undefined; afterSeq: number; limit: number }) {
      const [rows, summary] = await Promise.all([repo.listPeriod(db, q), q.afterSeq ? Promise.resolve(null) : repo.summarize(db, q)]);
      return { rows: rows.map((r) => ({ ...r, seq: Number(r.seq) })), summary };
    },

    /** Walks the chain; reports the first row that was edited, deleted or reordered. */
    async verify(db: Kysely<DB>): Promise<LedgerVerifyResult> {
      let prev = LEDGER_GENESIS;
      let expected = 1;
      for (;;) {
        const rows = await repo.listAfter(db, expected - 1, 5000);
        if (!rows.length) break;
        for (const raw of rows) {
          const row = { ...raw, seq: Number(raw.seq) };
          if (row.seq !== expected) return broken(expected, `row ${expected} is missing`);
          if (row.prev_hash !== prev) return broken(expected, `row ${row.seq} does not follow row ${row.seq - 1}`);
          const { prev_hash: _p, hash, ...fields } = row;
          if (ledgerLinkHash(prev, fields) !== hash) return broken(expected, `row ${row.seq} was modified`);
          prev = hash;
          expected++;
        }
      }
      const count = expected - 1;
      const head = await repo.findHead(db);
      if (Number(head?.seq ?? 0) !== count || (head && head.hash !== prev)) {
        return { ok: false, count, brokenAt: count + 1, reason: `rows after ${count} were deleted (the head records ${head?.seq ?? 0})` };
      }
      return { ok: true, count };
    },
  };
}

function broken(at: number, reason: string): LedgerVerifyResult {
  return { ok: false, count: at - 1, brokenAt: at, reason };
}
