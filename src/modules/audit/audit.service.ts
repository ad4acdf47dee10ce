import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { AuditRow, DB } from '../../platform/db/schema.ts';
import { CanonicalText, canonicalJson, GENESIS_HASH, linkHash, type ChainedFields } from './audit.hash.ts';
import type { AuditRepository, NewAuditRow } from './audit.repository.ts';

/** Who did it: a user (or machine account) or the system itself, and the request it came with. */
export type Actor = { userId: string | null; label: string; requestId?: string | undefined };

export const SYSTEM_ACTOR: Actor = { userId: null, label: 'system' };

export type AuditEvent = {
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
};

export type VerifyResult =
  | { ok: true; count: number; headSeq: number }
  | { ok: false; count: number; brokenAt: number; reason: string };

export type AuditService = ReturnType<typeof createAuditService>;

export function createAuditService(deps: { repo: AuditRepository; clock: Clock }) {
  const { repo, clock } = deps;
  return {
    /** Appends one entry to the chain inside the caller's transaction. */
    async append(tx: Kysely<DB>, actor: Actor, event: AuditEvent): Promise<void> {
      await this.appendMany(tx, actor, [event]);
    },

    /**
     * Appends entries in order inside the caller's transaction: one lock, one head read, one
     * multi-row insert. Each entry is linked exactly as `append` links it, so a chain is the same
     * whichever path wrote it.
     */
    async appendMany(tx: Kysely<DB>, actor: Actor, events: readonly AuditEvent[]): Promise<void> {
      if (!events.length) return;
      await repo.lockChain(tx);
      const head = await repo.findHead(tx);
      const at = clock.now();
      let seq = head?.seq ?? 0;
      let prevHash = head?.hash ?? GENESIS_HASH;
      const rows: NewAuditRow[] = [];
      for (const event of events) {
        const fields: ChainedFields = {
          seq: ++seq,
          at,
          actorId: actor.userId,
          actorLabel: actor.label,
          action: event.action,
          entityType: event.entityType,
          entityId: event.entityId ?? null,
          before: serialized(event.before),
          after: serialized(event.after),
          requestId: actor.requestId ?? null,
        };
        const hash = linkHash(prevHash, fields);
        rows.push(toRow(fields, prevHash, hash));
        prevHash = hash;
      }
      await repo.insertMany(tx, rows);
    },

    /** Walks the whole chain; reports the first entry that was edited, deleted or reordered. */
    async verify(db: Kysely<DB>, onProgress?: (count: number) => void): Promise<VerifyResult> {
      let prevHash = GENESIS_HASH;
      let expectedSeq = 1;
      for (;;) {
        const rows = await repo.listAfter(db, expectedSeq - 1, 5000);
        if (rows.length === 0) break;
        for (const row of rows) {
          if (row.seq !== expectedSeq) return broken(expectedSeq - 1, expectedSeq, `entry ${expectedSeq} is missing`);
          if (row.prev_hash !== prevHash) return broken(expectedSeq - 1, row.seq, `entry ${row.seq} does not follow entry ${row.seq - 1}`);
          if (linkHash(prevHash, fromRow(row)) !== row.hash) return broken(expectedSeq - 1, row.seq, `entry ${row.seq} was modified`);
          prevHash = row.hash;
          expectedSeq++;
        }
        onProgress?.(expectedSeq - 1);
      }
      const count = expectedSeq - 1;
      const head = await repo.findHead(db);
      if ((head?.seq ?? 0) !== count || (head && head.hash !== prevHash)) {
        return broken(count, count + 1, `entries after ${count} were deleted (the head records ${head?.seq ?? 0})`);
      }
      return { ok: true, count, headSeq: count };
    },

    async list(db: Kysely<DB>, q: { beforeSeq?: number; limit: number; entityType?: string; entityId?: string }) {
      return repo.listPage(db, q);
    },
  };
}

function broken(count: number, brokenAt: number, reason: string): VerifyResult {
  return { ok: false, count, brokenAt, reason };
}

// Serialized once: the hash covers these exact bytes and the database stores them (jsonb gives back
// the same value, so verify recomputes the same text from the stored row).
function serialized(value: unknown): CanonicalText | null {
  const text = canonicalJson(value);
  return text === 'null' ? null : new CanonicalText(text);
}

function toRow(f: ChainedFields, prevHash: string, hash: string): NewAuditRow {
  return {
    seq: f.seq,
    at: f.at,
    actor_id: f.actorId,
    actor_label: f.actorLabel,
    action: f.action,
    entity_type: f.entityType,
    entity_id: f.entityId,
    before: f.before instanceof CanonicalText ? f.before.text : null,
    after: f.after instanceof CanonicalText ? f.after.text : null,
    request_id: f.requestId,
    prev_hash: prevHash,
    hash,
  };
}

function fromRow(row: AuditRow): ChainedFields {
  return {
    seq: row.seq,
    at: row.at,
    actorId: row.actor_id,
    actorLabel: row.actor_label,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    before: row.before,
    after: row.after,
    requestId: row.request_id,
  };
}
