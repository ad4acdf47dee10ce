import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import type { ScheduledTask } from '../../platform/jobs/index.ts';
import type { Logger } from '../../platform/logger.ts';
import type { AuditService } from '../audit/index.ts';
import type { IntelService } from '../intel/index.ts';
import type { Sharing } from '../sharing/index.ts';
import { lazySecretBox } from '../../platform/secrets.ts';
import { createTaxiiClientRepository } from './taxii-client.repository.ts';
import { taxiiClientRoutes } from './taxii-client.routes.ts';
import { createRunner } from './taxii-client.runner.ts';
import { createTaxiiClientService } from './taxii-client.service.ts';
import './taxii-client.tables.ts';

export { createSecretBox, lazySecretBox, parseKey, type SecretBox } from '../../platform/secrets.ts';
export type { ConnectionRow, PushRow } from './taxii-client.tables.ts';
export type { RunResult } from './taxii-client.runner.ts';

export type TaxiiClientDeps = {
  db: Kysely<DB>;
  audit: AuditService;
  clock: Clock;
  log: Logger;
  sharing: Pick<Sharing, 'partners' | 'agreements' | 'store' | 'engine' | 'ledger'>;
  intel: Pick<IntelService, 'importBundle'>;
  config: { secretsKey: string | undefined; dataDir: string; intelAllowPrivateUrls: boolean };
  /** Per-request limits towards partners (defaults: 60 s, 64 MiB per answer, 200 pages per run). */
  timeoutMs?: number;
  maxBytes?: number;
  maxPages?: number;
};

/**
 * Wires the TAXII 2.1 client: connections per partner (poll its collections into the store with
 * provenance `partner:<id>`, push what the sharing policy allows into them, every pushed object in
 * the outbound ledger), their API and the scheduled task. In `createVigil` (app.ts):
 *
 *     const taxiiClient = createTaxiiClient({ db, audit, clock, log, sharing, intel: intel.service, config });
 *     api.route('/', taxiiClient.routes());  tasks.push(taxiiClient.task);
 */
export function createTaxiiClient(deps: TaxiiClientDeps) {
  const { db, audit, clock, sharing } = deps;
  const log = deps.log.child({ module: 'taxii-client' });
  const repo = createTaxiiClientRepository();
  const box = lazySecretBox(deps.config);
  const policy = { allowPrivate: deps.config.intelAllowPrivateUrls };
  const run = createRunner({
    db, repo, clock, log, sharing, intel: deps.intel, box, policy,
    timeoutMs: deps.timeoutMs ?? 60_000, maxBytes: deps.maxBytes ?? 64 * 1024 * 1024, maxPages: deps.maxPages ?? 200, statusPolls: 3, statusDelayMs: 500,
  });
  const service = createTaxiiClientService({ db, repo, audit, clock, box, policy, sharing, run });
  const task: ScheduledTask = { name: 'taxii_client.run_due', everyMs: 30_000, run: async () => void (await service.runDue()) };
  return { service, task, routes: () => taxiiClientRoutes({ service }) };
}

export type TaxiiClient = ReturnType<typeof createTaxiiClient>;
