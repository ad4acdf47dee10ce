import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import type { IntelService, Tlp } from '../intel/index.ts';
import type { Sharing } from '../sharing/index.ts';
import type { Caller, Granted } from './taxii.access.ts';
import type { TaxiiFilters } from './taxii.filters.ts';
import { screenInbound } from './taxii.inbound.ts';
import type { StatusDetail, TaxiiRepository } from './taxii.repository.ts';
import type { TaxiiStatusRow } from './taxii.tables.ts';

export const MAX_ENVELOPE_OBJECTS = 100_000;

/** A TAXII status resource. */
export function statusResource(row: TaxiiStatusRow) {
  return {
    id: row.id,
    status: row.status,
    request_timestamp: row.request_timestamp.toISOString(),
    total_count: row.total_count,
    success_count: row.success_count,
    successes: row.successes as StatusDetail[],
    failure_count: row.failure_count,
    failures: row.failures as StatusDetail[],
    pending_count: row.pending_count,
    pendings: row.pendings as StatusDetail[],
  };
}

export type TaxiiWriter = ReturnType<typeof createTaxiiWriter>;

/**
 * The write side: POSTed envelopes are screened against the inbound agreement and the marking
 * rule (taxii.inbound.ts), imported into the store with source `partner:<id>`, and answered with a
 * status resource (kept, readable by the same partner). DELETE removes only versions the partner
 * itself posted, through a collection it may write to.
 */
export function createTaxiiWriter(deps: { db: Kysely<DB>; repo: TaxiiRepository; audit: AuditService; clock: Clock; sharing: Pick<Sharing, 'store'>; intel: Pick<IntelService, 'importBundle' | 'deleteVersions'> }) {
  const { db, repo, audit, clock, sharing, intel } = deps;

  async function known(objects: readonly unknown[]) {
    const ids = new Set<string>();
    for (const o of objects) {
      const r = o as Record<string, unknown> | null;
      if (!r || typeof r !== 'object') continue;
      if (typeof r.id === 'string') ids.add(r.id);
      for (const m of Array.isArray(r.object_marking_refs) ? r.object_marking_refs : []) if (typeof m === 'string') ids.add(m);
    }
    const latest = await sharing.store.latest([...ids]);
    const storedTlp = new Map<string, Tlp>(latest.filter((v) => v.type !== 'marking-definition').map((v) => [v.id, v.tlp]));
    return { storedTlp, storedMarkings: new Set(latest.filter((v) => v.type === 'marking-definition').map((v) => v.id)) };
  }

  return {
    async post(g: Granted, caller: Caller & { userId: string }, envelope: unknown) {
      const objects = (envelope as { objects?: unknown } | null)?.objects;
      if (!envelope || typeof envelope !== 'object' || Array.isArray(envelope) || !Array.isArray(objects)) {
        throw new AppError('taxii.invalid_envelope', 'The body must be a TAXII envelope: an object with an "objects" array', 400);
      }
      if (objects.length > MAX_ENVELOPE_OBJECTS) throw new AppError('taxii.envelope_too_large', `At most ${MAX_ENVELOPE_OBJECTS} objects per envelope`, 413);
      const id = randomUUID();
      const at = clock.now();
      const pendings = objects.map((o) => ({ id: String((o as { id?: unknown } | null)?.id ?? '') }));
      await repo.insertStatus(db, { id, partner_id: caller.partnerId, user_id: caller.userId, collection_id: g.agreement.collectionId, total_count: objects.length, pending_count: objects.length, pendings, at });
      const screened = screenInbound(objects, g.agreement, await known(objects));
      const result = screened.pass.length
        ? await intel.importBundle({ type: 'bundle', id: `bundle--${id}`, objects: screened.pass }, { source: `partner:${g.agreement.partnerId}`, actor: caller.actor })
        : { accepted: [], duplicates: [], rejected: [] };
      const clamped = new Map(screened.clamped.map((c) => [c.id, c.tlp]));
      const successes: StatusDetail[] = [...result.accepted, ...result.duplicates].map((a) => ({
        id: a.id,
        version: a.modified,
        ...(clamped.has(a.id) ? { message: `unmarked: stored as TLP:${clamped.get(a.id)!.toUpperCase()}` } : {}),
      }));
      const failures: StatusDetail[] = [
        ...screened.failures.map((f) => ({ id: f.id, ...(f.version ? { version: f.version } : {}), message: f.message })),
        ...result.rejected.map((r) => ({ id: r.id ?? '', message: `${r.code}: ${r.reason}` })),
      ];
      await db.transaction().execute(async (tx) => {
        await repo.completeStatus(tx, id, { successes, failures, at: clock.now() });
        await audit.append(tx, caller.actor, { action: 'taxii.objects_posted', entityType: 'taxii_collection', entityId: g.agreement.collectionId, after: { statusId: id, partnerId: caller.partnerId, total: objects.length, successes: successes.length, failures: failures.length } });
      });
      return statusResource((await repo.findStatus(db, id))!);
    },

    async status(caller: Caller & { userId: string }, id: string) {
      const row = /^[0-9a-f-]{36}$/.test(id) ? await repo.findStatus(db, id) : undefined;
      if (!row || row.user_id !== caller.userId) throw new AppError('taxii.status_not_found', 'No such status resource', 404);
      return statusResource(row);
    },

    async delete(g: Granted, actor: Actor, id: string, f: TaxiiFilters): Promise<number> {
      const source = `partner:${g.agreement.partnerId}`;
      const rows = await sharing.store.list({ ids: [id], versions: f.versions ?? ['all'], specVersions: f.specVersions, limit: 10_000 });
      const own = rows.filter((r) => r.source === source);
      if (!own.length) throw new AppError('taxii.object_not_found', 'No object this partner posted has this id', 404);
      const { deleted } = await intel.deleteVersions({ id, source, versions: own.map((r) => r.version) }, actor);
      return deleted.length;
    },
  };
}
