import type { z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Actor } from '../audit/index.ts';
import type { IntelService } from '../intel/index.ts';
import { toAgreement, type Agreement, type Sharing } from '../sharing/index.ts';
import { pollConnection } from './taxii-client.poll.ts';
import { pushConnection } from './taxii-client.push.ts';
import type { TaxiiClientRepository } from './taxii-client.repository.ts';
import type { RunResultSchema } from './taxii-client.schemas.ts';
import type { ConnectionRow } from './taxii-client.tables.ts';
import { resolveTarget, type TargetDeps } from './taxii-client.target.ts';

export type RunResult = z.infer<typeof RunResultSchema>;

export type RunnerDeps = TargetDeps & {
  db: Kysely<DB>;
  repo: TaxiiClientRepository;
  clock: Clock;
  log: Logger;
  sharing: Pick<Sharing, 'partners' | 'agreements' | 'store' | 'engine' | 'ledger'>;
  intel: Pick<IntelService, 'importBundle'>;
  maxPages: number;
  statusPolls: number;
  statusDelayMs: number;
};

/** Why an agreement does not let this connection run now (poll needs inbound, push outbound), or null. */
export function standing(a: Agreement, partnerActive: boolean, direction: 'poll' | 'push', now: Date): string | null {
  if (!partnerActive) return 'partner.suspended';
  if (a.status !== 'active') return 'agreement.terminated';
  if (a.validFrom > now) return 'agreement.not_yet_valid';
  if (a.validUntil && a.validUntil <= now) return 'agreement.expired';
  if (direction === 'poll' && a.direction === 'outbound') return 'agreement.outbound_only';
  if (direction === 'push' && a.direction === 'inbound') return 'agreement.inbound_only';
  return null;
}

const empty = (outcome: RunResult['outcome'], reason: string | null, error: RunResult['error'] = null): RunResult => ({ outcome, reason, error, poll: null, push: null });

/** Runs one connection once (poll or push) and records the outcome on it; never throws for a partner's failure. */
export function createRunner(deps: RunnerDeps) {
  const { db, repo, clock, log } = deps;

  async function attempt(conn: ConnectionRow, actor: Actor): Promise<RunResult> {
    const partner = await deps.sharing.partners.get(conn.partner_id);
    const agreement = toAgreement(await deps.sharing.agreements.get(conn.partner_id, conn.agreement_id));
    const why = standing(agreement, partner.status === 'active', conn.direction, clock.now());
    if (why) return empty('skipped', why);
    const target = await resolveTarget(conn, deps);
    if (conn.direction === 'poll') {
      const poll = await pollConnection({ db, repo, intel: deps.intel, sharing: deps.sharing, maxPages: deps.maxPages }, conn, agreement, target, actor);
      return { ...empty('ok', null), poll };
    }
    const push = await pushConnection({ db, repo, clock, sharing: deps.sharing, maxPages: deps.maxPages, statusPolls: deps.statusPolls, statusDelayMs: deps.statusDelayMs }, conn, agreement, partner.status === 'active', target);
    return { ...empty('ok', null), push };
  }

  return async function run(conn: ConnectionRow, actor: Actor): Promise<RunResult> {
    const started = performance.now();
    const l = log.child({ connectionId: conn.id, partnerId: conn.partner_id, direction: conn.direction });
    l.info('taxii connection run started');
    let result: RunResult;
    try {
      result = await attempt(conn, actor);
    } catch (err) {
      if (!(err instanceof AppError)) l.error({ err }, 'taxii connection run crashed');
      const e = err instanceof AppError ? { code: err.code, message: err.message } : { code: 'internal', message: 'Internal error (see the logs)' };
      result = empty('failed', null, e);
    }
    const n = result.poll?.accepted ?? result.push?.pushed ?? 0;
    await repo.recordRun(db, conn.id, { at: clock.now(), outcome: result.outcome, error: result.error ? `${result.error.code}: ${result.error.message}`.slice(0, 2000) : result.reason, count: n });
    l.info({ outcome: result.outcome, reason: result.reason, code: result.error?.code, count: n, ms: Math.round(performance.now() - started) }, 'taxii connection run done');
    return result;
  };
}

export type Runner = ReturnType<typeof createRunner>;
