import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { Principal } from '../../platform/http/context.ts';
import { SYSTEM_ACTOR, type Actor } from '../audit/index.ts';
import type { AlertsService } from './alerts.service.ts';
import type { CentersRepository } from './centers.repository.ts';
import type { HeartbeatReportT } from './centers.schemas.ts';
import { centerStatus, nextExpectedBefore } from './centers.status.ts';
import type { AlertRow, CenterContactRow, CenterRow } from './centers.tables.ts';

/** Told, inside the raising transaction, when a silence alert is raised (once per silence episode). */
export type SilenceListener = (tx: Kysely<DB>, event: { alert: AlertRow; center: CenterRow; contacts: CenterContactRow[] }) => Promise<void>;

/** At most one stored beat per center per this many milliseconds; extra beats are answered, not written. */
export const HEARTBEAT_MIN_GAP_MS = 1000;
export const SILENT_ALERT = 'center.silent';
export const silentAlertKey = (centerId: string) => `${SILENT_ALERT}:${centerId}`;

const minutesOrSeconds = (s: number) => (s % 60 === 0 ? `${s / 60} min` : `${s} s`);

function silentAlert(c: CenterRow) {
  const since = c.last_heartbeat_at?.toISOString() ?? 'never';
  return {
    kind: SILENT_ALERT,
    severity: 'critical' as const,
    subject: `Center ${c.name} is silent: no heartbeat for more than ${minutesOrSeconds(c.silent_after_seconds)}`,
    detail: { centerId: c.id, centerName: c.name, lastHeartbeatAt: since, heartbeatIntervalSeconds: c.heartbeat_interval_seconds, silentAfterSeconds: c.silent_after_seconds },
    entityType: 'center',
    entityId: c.id,
    dedupeKey: silentAlertKey(c.id),
  };
}

/**
 * Heartbeats of centers and the silence rule: a center that beat once and then stays quiet past
 * its `silent_after_seconds` gets one critical alert, resolved by its next stored beat.
 */
export function createHeartbeatsService(deps: { db: Kysely<DB>; repo: CentersRepository; alerts: AlertsService; clock: Clock; silenceListeners?: SilenceListener[] }) {
  const { db, repo, alerts, clock } = deps;
  const listeners = deps.silenceListeners ?? [];

  return {
    /**
     * Stores the beat of the caller's center (not audited: too chatty) and resolves its silence
     * alert in the same transaction (that is audited). Beats closer than HEARTBEAT_MIN_GAP_MS are
     * answered without writing.
     */
    async heartbeat(p: Principal, report: HeartbeatReportT, actor: Actor) {
      if (p.role !== 'center_operator' || !p.centerId) throw new AppError('center.no_center', 'Heartbeats come from the account of a center', 403);
      const centerId = p.centerId;
      const now = clock.now();
      const stored = await db.transaction().execute(async (tx) => {
        const row = await repo.recordHeartbeat(tx, centerId, now, report, HEARTBEAT_MIN_GAP_MS);
        if (row) await alerts.resolve(tx, actor, silentAlertKey(centerId), 'the center sent a heartbeat');
        return row;
      });
      const row = stored ?? (await repo.find(db, centerId));
      if (!row) throw notFound('center.not_found', 'Center not found');
      const next = nextExpectedBefore(row) ?? new Date(now.getTime() + row.heartbeat_interval_seconds * 1000);
      return { centerId, status: 'up' as const, nextExpectedBefore: next.toISOString() };
    },

    /**
     * Raises a `center.silent` alert for each center that became silent and resolves those whose
     * center is no longer silent (it beat, or its window was widened). Idempotent: run it as often
     * as you like, from any number of processes. Each decision re-reads the center under a row lock,
     * so a beat racing the check either waits for the alert and resolves it, or prevents it.
     */
    async checkSilence(): Promise<{ raised: number; resolved: number }> {
      const open = new Map((await alerts.unresolvedOfKind(SILENT_ALERT)).map((a) => [a.entity_id ?? '', a]));
      let raised = 0;
      let resolved = 0;
      for (const c of await repo.listBeating(db)) {
        const isSilent = centerStatus(c, clock.now()) === 'silent';
        if (isSilent === open.has(c.id)) {
          open.delete(c.id);
          continue;
        }
        open.delete(c.id);
        await db.transaction().execute(async (tx) => {
          const locked = await repo.findForUpdate(tx, c.id);
          if (!locked) return;
          if (centerStatus(locked, clock.now()) === 'silent') {
            const alert = await alerts.raise(tx, SYSTEM_ACTOR, silentAlert(locked));
            if (!alert) return;
            raised++;
            const contacts = listeners.length ? await repo.contactsOf(tx, [locked.id]) : [];
            for (const l of listeners) await l(tx, { alert, center: locked, contacts });
          } else {
            resolved += (await alerts.resolve(tx, SYSTEM_ACTOR, silentAlertKey(c.id), 'the center is no longer silent')).length;
          }
        });
      }
      // Alerts left over belong to centers that no longer exist or never beat: nothing to watch.
      for (const centerId of open.keys()) {
        await db.transaction().execute(async (tx) => {
          const locked = centerId ? await repo.findForUpdate(tx, centerId) : undefined;
          if (locked && centerStatus(locked, clock.now()) === 'silent') return;
          resolved += (await alerts.resolve(tx, SYSTEM_ACTOR, silentAlertKey(centerId), 'the center is no longer silent')).length;
        });
      }
      return { raised, resolved };
    },
  };
}
