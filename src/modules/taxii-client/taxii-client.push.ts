import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { Agreement, Evaluated, Sharing } from '../sharing/index.ts';
import { exchange, TAXII_MEDIA, taxiiJson } from './taxii-client.http.ts';
import type { TaxiiClientRepository } from './taxii-client.repository.ts';
import type { ConnectionRow, PushRow } from './taxii-client.tables.ts';
import type { Target } from './taxii-client.target.ts';

export type PushDeps = { db: Kysely<DB>; repo: TaxiiClientRepository; clock: Clock; sharing: Pick<Sharing, 'store' | 'engine' | 'ledger'>; maxPages: number; statusPolls: number; statusDelayMs: number };
export type PushOutcome = { pages: number; examined: number; pushed: number; envelopes: number; pending: number; checkpoint: number };

type Status = { id?: unknown; status?: unknown; success_count?: unknown; failure_count?: unknown; pending_count?: unknown };
const count = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Records a partner's status resource on the push row; returns whether it is still pending. */
async function recordStatus(deps: PushDeps, pushId: string, s: Status): Promise<boolean> {
  const pending = s.status !== 'complete';
  await deps.repo.updatePush(deps.db, pushId, {
    status_id: typeof s.id === 'string' ? s.id.slice(0, 200) : null,
    status: pending ? 'pending' : 'complete',
    success_count: count(s.success_count),
    failure_count: count(s.failure_count),
    pending_count: count(s.pending_count),
    updated_at: deps.clock.now(),
  });
  return pending;
}

/** Asks the partner again about envelopes whose status was still pending. */
export async function refreshPending(deps: PushDeps, conn: ConnectionRow, target: Target): Promise<number> {
  let still = 0;
  for (const p of await deps.repo.pendingPushes(deps.db, conn.id)) still += (await pollStatus(deps, p, target)) ? 1 : 0;
  return still;
}

async function pollStatus(deps: PushDeps, p: Pick<PushRow, 'id' | 'status_id'>, target: Target): Promise<boolean> {
  if (!p.status_id) return false;
  const { body } = await taxiiJson(target.statusUrl(p.status_id), target.http);
  return recordStatus(deps, p.id, body);
}

/**
 * Sends one envelope. Its ledger row (every object, hash of the exact bytes sent) is committed
 * BEFORE the bytes leave: an interrupted POST may have delivered, so the ledger errs on the side of
 * "may have left" and a retry appends again. Then the status resource is polled a few times;
 * what stays pending is asked again on the next run.
 */
async function sendEnvelope(deps: PushDeps, conn: ConnectionRow, agreement: Agreement, target: Target, items: Evaluated[]): Promise<boolean> {
  const parts = items.map((e) => JSON.stringify(e.object));
  const pushId = randomUUID();
  const now = deps.clock.now();
  const objects = items.map((e, i) => ({
    objectId: e.object!.id,
    objectModified: typeof e.object!.modified === 'string' ? e.object!.modified : e.row.version,
    sha256: createHash('sha256').update(parts[i]!).digest('hex'),
  }));
  await deps.db.transaction().execute(async (tx) => {
    await deps.repo.insertPush(tx, { id: pushId, connection_id: conn.id, status_id: null, status: 'sending', total_count: parts.length, error: null, created_at: now, updated_at: now });
    await deps.sharing.ledger.append(tx, { partnerId: conn.partner_id, agreementId: agreement.id, collectionId: agreement.collectionId, route: 'taxii.push', requestId: pushId, objects });
  });
  let status: Status;
  try {
    const res = await exchange(target.objectsUrl, { ...target.http, method: 'POST', headers: { ...target.http.headers, accept: TAXII_MEDIA, 'content-type': TAXII_MEDIA }, body: `{"objects":[${parts.join(',')}]}` });
    if (res.status < 200 || res.status >= 300) throw new AppError('taxii_client.http_status', `POST objects answered ${res.status}`, 502, { status: res.status });
    status = JSON.parse(res.body.toString('utf8')) as Status;
  } catch (err) {
    await deps.repo.updatePush(deps.db, pushId, { status: 'failed', error: String((err as Error).message).slice(0, 1000), updated_at: deps.clock.now() });
    throw err;
  }
  let pending = await recordStatus(deps, pushId, status);
  for (let i = 0; pending && i < deps.statusPolls; i++) {
    await sleep(deps.statusDelayMs);
    pending = await pollStatus(deps, { id: pushId, status_id: typeof status.id === 'string' ? status.id : null }, target);
  }
  return pending;
}

/**
 * One push run: the versions stored after the push checkpoint, in insertion order, decided by the
 * sharing engine under the connection's outbound agreement (hard TLP rules, provenance, agreement,
 * sanitizer: the same decision the TAXII server takes). What the policy allows is POSTed as one
 * envelope per page; objects that came from this very partner are not echoed back. The checkpoint
 * moves past a page only once its envelope was accepted by the partner.
 */
export async function pushConnection(deps: PushDeps, conn: ConnectionRow, agreement: Agreement, partnerActive: boolean, target: Target): Promise<PushOutcome> {
  const out: PushOutcome = { pages: 0, examined: 0, pushed: 0, envelopes: 0, pending: await refreshPending(deps, conn, target), checkpoint: Number(conn.push_after_seq) };
  const tlpAllowed = agreement.tlpLevels.filter((t) => t !== 'red' && t !== 'amber+strict');
  const own = `partner:${conn.partner_id}`;
  while (out.pages < deps.maxPages && tlpAllowed.length) {
    const rows = await deps.sharing.store.list({ afterSeq: out.checkpoint, versions: ['all'], tlpAllowed, limit: conn.page_size });
    if (!rows.length) break;
    out.pages++;
    out.examined += rows.length;
    const items = (await deps.sharing.engine.evaluate(agreement, partnerActive, rows)).filter((e) => e.object && e.row.source !== own);
    if (items.length) {
      if (await sendEnvelope(deps, conn, agreement, target, items)) out.pending++;
      out.envelopes++;
      out.pushed += items.length;
    }
    out.checkpoint = rows.at(-1)!.seq;
    await deps.repo.setPushCheckpoint(deps.db, conn.id, out.checkpoint);
    if (rows.length < conn.page_size) break;
  }
  return out;
}
