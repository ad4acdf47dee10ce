import { randomUUID } from 'node:crypto';
import type { Kysely, Updateable } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError, notFound, validationFailed } from '../../platform/errors.ts';
import { SYSTEM_ACTOR, type Actor, type AuditService } from '../audit/index.ts';
import { assertPublicUrl, type SsrfPolicy } from '../pipeline/index.ts';
import type { Sharing } from '../sharing/index.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { checkUrl } from './taxii-client.http.ts';
import { toConnectionDto } from './taxii-client.mappers.ts';
import type { TaxiiClientRepository } from './taxii-client.repository.ts';
import type { Runner } from './taxii-client.runner.ts';
import type { ConnectionAuthT, ConnectionInputT, ConnectionPatchT } from './taxii-client.schemas.ts';
import type { ConnectionRow, TaxiiConnectionsTable } from './taxii-client.tables.ts';

export type TaxiiClientService = ReturnType<typeof createTaxiiClientService>;

async function checkTarget(href: string | null, field: string, policy: SsrfPolicy): Promise<void> {
  if (!href) return;
  try {
    checkUrl(href, policy);
    await assertPublicUrl(href, policy);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const code = err.code === 'feed.url_unresolvable' ? 'taxii_client.url_unresolvable' : err.code.startsWith('feed.') ? 'taxii_client.url_forbidden' : err.code;
    throw new AppError(code, err.message, 400, { field, ...(typeof err.details === 'object' ? err.details : {}) });
  }
}

function credentials(auth: ConnectionAuthT, box: SecretBox): Pick<ConnectionRow, 'auth_type' | 'username' | 'secret_enc'> {
  if (auth.type === 'basic') return { auth_type: 'basic', username: auth.username, secret_enc: box.seal(auth.password) };
  if (auth.type === 'bearer') return { auth_type: 'bearer', username: null, secret_enc: box.seal(auth.token) };
  return { auth_type: 'none', username: null, secret_enc: null };
}

/**
 * TAXII client connections of a partner: configuration (credentials sealed at rest, URLs behind
 * the SSRF guard, the agreement checked against the direction), runs on demand and on schedule.
 */
export function createTaxiiClientService(deps: { db: Kysely<DB>; repo: TaxiiClientRepository; audit: AuditService; clock: Clock; box: SecretBox; policy: SsrfPolicy; sharing: Pick<Sharing, 'partners' | 'agreements'>; run: Runner }) {
  const { db, repo, audit, clock, box, policy, sharing } = deps;

  async function checkAgreement(partnerId: string, agreementId: string, direction: 'poll' | 'push') {
    const a = await sharing.agreements.get(partnerId, agreementId).catch((err: unknown) => {
      throw err instanceof AppError && err.code === 'agreement.not_found' ? validationFailed([{ path: 'agreementId', message: 'is not an agreement of this partner' }]) : err;
    });
    if (direction === 'poll' && a.direction === 'outbound') throw new AppError('taxii_client.agreement_direction', 'Polling needs an inbound (or both) agreement: it decides what may come in', 400, { field: 'agreementId' });
    if (direction === 'push' && a.direction === 'inbound') throw new AppError('taxii_client.agreement_direction', 'Pushing needs an outbound (or both) agreement: it decides what may leave', 400, { field: 'agreementId' });
  }

  async function get(partnerId: string, id: string): Promise<ConnectionRow> {
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await repo.find(db, id) : undefined;
    if (!row || row.partner_id !== partnerId) throw notFound('taxii_client.not_found', 'TAXII connection not found');
    return row;
  }

  function oneUrl(discoveryUrl: string | null, apiRootUrl: string | null): void {
    if ((discoveryUrl === null) === (apiRootUrl === null)) throw validationFailed([{ path: 'discoveryUrl', message: 'give exactly one of discoveryUrl and apiRootUrl' }]);
  }

  return {
    get,
    async list(partnerId: string): Promise<ConnectionRow[]> {
      await sharing.partners.get(partnerId);
      return repo.list(db, partnerId);
    },

    async create(partnerId: string, input: ConnectionInputT, actor: Actor): Promise<ConnectionRow> {
      await sharing.partners.get(partnerId);
      oneUrl(input.discoveryUrl, input.apiRootUrl);
      await checkAgreement(partnerId, input.agreementId, input.direction);
      await checkTarget(input.discoveryUrl, 'discoveryUrl', policy);
      await checkTarget(input.apiRootUrl, 'apiRootUrl', policy);
      const now = clock.now();
      const row: ConnectionRow = {
        id: randomUUID(), partner_id: partnerId, agreement_id: input.agreementId, title: input.title, direction: input.direction,
        discovery_url: input.discoveryUrl, api_root_url: input.apiRootUrl, collection_id: input.collectionId, ...credentials(input.auth, box),
        interval_seconds: input.intervalSeconds, page_size: input.pageSize, enabled: input.enabled, next_run_at: now, poll_added_after: null, push_after_seq: 0,
        last_run_at: null, last_outcome: null, last_error: null, last_count: null, created_at: now, updated_at: now,
      };
      await db.transaction().execute(async (tx) => {
        await repo.insert(tx, row);
        await audit.append(tx, actor, { action: 'taxii_connection.created', entityType: 'taxii_connection', entityId: row.id, after: toConnectionDto(row) });
      });
      return row;
    },

    async update(partnerId: string, id: string, patch: ConnectionPatchT, actor: Actor): Promise<ConnectionRow> {
      const before = await get(partnerId, id);
      const discoveryUrl = patch.discoveryUrl !== undefined ? patch.discoveryUrl : before.discovery_url;
      const apiRootUrl = patch.apiRootUrl !== undefined ? patch.apiRootUrl : before.api_root_url;
      oneUrl(discoveryUrl, apiRootUrl);
      if (patch.agreementId !== undefined) await checkAgreement(partnerId, patch.agreementId, before.direction);
      if (patch.discoveryUrl) await checkTarget(patch.discoveryUrl, 'discoveryUrl', policy);
      if (patch.apiRootUrl) await checkTarget(patch.apiRootUrl, 'apiRootUrl', policy);
      const set: Updateable<TaxiiConnectionsTable> = {
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.agreementId !== undefined ? { agreement_id: patch.agreementId } : {}),
        ...(patch.collectionId !== undefined ? { collection_id: patch.collectionId } : {}),
        ...(patch.auth !== undefined ? credentials(patch.auth, box) : {}),
        ...(patch.intervalSeconds !== undefined ? { interval_seconds: patch.intervalSeconds } : {}),
        ...(patch.pageSize !== undefined ? { page_size: patch.pageSize } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
        ...(patch.pollAddedAfter !== undefined ? { poll_added_after: patch.pollAddedAfter } : {}),
        discovery_url: discoveryUrl,
        api_root_url: apiRootUrl,
        updated_at: clock.now(),
      };
      return db.transaction().execute(async (tx) => {
        const after = await repo.update(tx, id, set);
        await audit.append(tx, actor, { action: 'taxii_connection.updated', entityType: 'taxii_connection', entityId: id, before: toConnectionDto(before), after: toConnectionDto(after) });
        return after;
      });
    },

    /** Runs a connection now (the console's "run now"), whatever its schedule. */
    async runNow(partnerId: string, id: string, actor: Actor) {
      return deps.run(await get(partnerId, id), actor);
    },

    recentPushes: async (partnerId: string, id: string, limit: number) => repo.recentPushes(db, (await get(partnerId, id)).id, limit),

    /** The scheduled task: runs every enabled connection whose time has come (each claimed by one process). */
    async runDue(maxRuns = 20): Promise<number> {
      let n = 0;
      for (; n < maxRuns; n++) {
        const conn = await repo.claimDue(db, clock.now());
        if (!conn) break;
        await deps.run(conn, SYSTEM_ACTOR);
      }
      return n;
    },
  };
}
