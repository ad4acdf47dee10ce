import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError, isUniqueViolation, notFound } from '../../platform/errors.ts';
import type { Principal } from '../../platform/http/context.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import { createAlertsRepository } from './alerts.repository.ts';
import { createAlertsService, type AlertsService } from './alerts.service.ts';
import type { CenterView } from './centers.mappers.ts';
import type { CentersRepository, CenterUpdate } from './centers.repository.ts';
import type { CenterContactInputT, CenterInputT, CenterPatchT } from './centers.schemas.ts';
import { centerStatus } from './centers.status.ts';
import type { CenterContactRow, CenterRow } from './centers.tables.ts';
import { createHeartbeatsService, type SilenceListener } from './heartbeats.service.ts';

export type CentersService = ReturnType<typeof createCentersService>;

const DEFAULT_INTERVAL = 300;
const DEFAULT_SILENT_AFTER = 900;
const NO_CENTER = '00000000-0000-0000-0000-000000000000';

/** silentAfterSeconds below the interval would call a punctual center silent: 400 `center.silent_after_too_short`. */
function checkWindow(heartbeatIntervalSeconds: number, silentAfterSeconds: number): void {
  if (silentAfterSeconds < heartbeatIntervalSeconds) {
    throw new AppError('center.silent_after_too_short', 'silentAfterSeconds must be at least heartbeatIntervalSeconds', 400, { heartbeatIntervalSeconds, silentAfterSeconds });
  }
}

const duplicateName = (err: unknown) => {
  if (isUniqueViolation(err)) throw new AppError('center.duplicate_name', 'A center with this name exists already', 409);
  throw err;
};

/**
 * Cybersecurity centers (SOCs): the organizations each serves, duty contacts, heartbeats and the
 * silence alerts raised from them. `alerts` defaults to one built on the same database.
 */
export function createCentersService(deps: { db: Kysely<DB>; repo: CentersRepository; audit: AuditService; clock: Clock; alerts?: AlertsService; silenceListeners?: SilenceListener[] }) {
  const { db, repo, audit, clock } = deps;
  const alerts = deps.alerts ?? createAlertsService({ db, repo: createAlertsRepository(), audit, clock });
  const heartbeats = createHeartbeatsService({ db, repo, alerts, clock, silenceListeners: deps.silenceListeners ?? [] });
  // A center operator sees only its own center; national staff see all.
  const visibleTo = (p: Principal) => (p.role === 'center_operator' ? (p.centerId ?? NO_CENTER) : undefined);

  async function views(onlyId?: string): Promise<CenterView[]> {
    const rows = await repo.list(db, onlyId);
    const duty = await repo.contactsOf(db, rows.map((r) => r.id), true);
    const now = clock.now();
    return rows.map(({ organization_count, contact_count, ...row }) => ({
      ...row,
      status: centerStatus(row, now),
      organization_count: Number(organization_count ?? 0),
      contact_count: Number(contact_count ?? 0),
      duty_contacts: duty.filter((d) => d.center_id === row.id),
    }));
  }

  async function detail(id: string) {
    const [view] = await views(id);
    if (!view) throw notFound('center.not_found', 'Center not found');
    return { ...view, organizationIds: await repo.organizationIds(db, id), contacts: await repo.contactsOf(db, [id]) };
  }

  async function lockCenter(tx: Kysely<DB>, id: string): Promise<CenterRow> {
    const row = await repo.findForUpdate(tx, id);
    if (!row) throw notFound('center.not_found', 'Center not found');
    return row;
  }

  return {
    list: (p: Principal) => views(visibleTo(p)),

    get(p: Principal, id: string) {
      const only = visibleTo(p);
      if (only && only !== id) throw notFound('center.not_found', 'Center not found');
      return detail(id);
    },

    async create(input: CenterInputT, actor: Actor) {
      const interval = input.heartbeatIntervalSeconds ?? DEFAULT_INTERVAL;
      const silentAfter = input.silentAfterSeconds ?? Math.max(DEFAULT_SILENT_AFTER, interval * 3);
      checkWindow(interval, silentAfter);
      const now = clock.now();
      const row = {
        id: randomUUID(),
        name: input.name,
        name_key: input.name.toLowerCase(),
        description: input.description ?? null,
        heartbeat_interval_seconds: interval,
        silent_after_seconds: silentAfter,
        created_at: now,
        updated_at: now,
      };
      await db.transaction().execute(async (tx) => {
        await repo.insert(tx, row).catch(duplicateName);
        await audit.append(tx, actor, { action: 'center.created', entityType: 'center', entityId: row.id, after: row });
      });
      return detail(row.id);
    },

    async update(id: string, patch: CenterPatchT, actor: Actor) {
      await db.transaction().execute(async (tx) => {
        const before = await lockCenter(tx, id);
        const set: CenterUpdate = {};
        if (patch.name !== undefined && patch.name !== before.name) Object.assign(set, { name: patch.name, name_key: patch.name.toLowerCase() });
        if (patch.description !== undefined && patch.description !== before.description) set.description = patch.description;
        if (patch.heartbeatIntervalSeconds !== undefined && patch.heartbeatIntervalSeconds !== before.heartbeat_interval_seconds) set.heartbeat_interval_seconds = patch.heartbeatIntervalSeconds;
        if (patch.silentAfterSeconds !== undefined && patch.silentAfterSeconds !== before.silent_after_seconds) set.silent_after_seconds = patch.silentAfterSeconds;
        checkWindow(set.heartbeat_interval_seconds ?? before.heartbeat_interval_seconds, set.silent_after_seconds ?? before.silent_after_seconds);
        if (!Object.keys(set).length) return;
        const after = await repo.update(tx, id, { ...set, updated_at: clock.now() }).catch(duplicateName);
        const changed = Object.keys(set) as (keyof CenterUpdate & keyof CenterRow)[];
        await audit.append(tx, actor, {
          action: 'center.updated',
          entityType: 'center',
          entityId: id,
          before: Object.fromEntries(changed.map((k) => [k, before[k]])),
          after: Object.fromEntries(changed.map((k) => [k, after[k]])),
        });
      });
      return detail(id);
    },

    async setOrganizations(id: string, organizationIds: string[], actor: Actor) {
      const ids = [...new Set(organizationIds)];
      await db.transaction().execute(async (tx) => {
        await lockCenter(tx, id);
        const before = await repo.organizationIds(tx, id);
        await repo.replaceOrganizations(tx, id, ids).catch((err: { code?: string }) => {
          if (err?.code === '23503') throw new AppError('center.unknown_organization', 'One of the organizations does not exist', 400);
          throw err;
        });
        await audit.append(tx, actor, { action: 'center.organizations_set', entityType: 'center', entityId: id, before: { organizationIds: before }, after: { organizationIds: ids } });
      });
    },

    async addContact(centerId: string, input: CenterContactInputT, actor: Actor): Promise<CenterContactRow> {
      return db.transaction().execute(async (tx) => {
        await lockCenter(tx, centerId);
        const row = await repo.insertContact(tx, {
          id: randomUUID(),
          center_id: centerId,
          name: input.name,
          role: input.role,
          email: input.email,
          phone: input.phone ?? null,
          is_24x7: input.is24x7,
          created_at: clock.now(),
        });
        await audit.append(tx, actor, { action: 'center.contact_added', entityType: 'center', entityId: centerId, after: row });
        return row;
      });
    },

    async removeContact(centerId: string, contactId: string, actor: Actor): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await lockCenter(tx, centerId);
        const row = await repo.deleteContact(tx, centerId, contactId);
        if (!row) throw notFound('center.contact_not_found', 'Contact not found');
        await audit.append(tx, actor, { action: 'center.contact_removed', entityType: 'center', entityId: centerId, before: row });
      });
    },

    /** A center's machine account says it is alive (see heartbeats.service.ts). */
    heartbeat: heartbeats.heartbeat,
    /** The scheduled silence check: raises and resolves `center.silent` alerts. */
    checkSilence: heartbeats.checkSilence,
    alerts,
  };
}
