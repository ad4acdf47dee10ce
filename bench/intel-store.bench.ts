/**
 * Intel store figures: `node bench/intel-store.bench.ts [--events N] [--indicators N]`.
 * Embedded engine in memory (or DATABASE_URL's server, on a fresh database).
 *   1. bundle ingest with validation: 20,000-object bundles (indicators, SCOs, SDOs, relationships);
 *   2. correlation: N new indicators (exact IPs, ranges, domains) against M stored events, timed as
 *      the correlation statements alone inside their transaction.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { systemClock } from '../src/platform/clock.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { createServerTestDatabase } from '../src/platform/db/testing.ts';
import { createAuditRepository, createAuditService, SYSTEM_ACTOR } from '../src/modules/audit/index.ts';
import { createIntel } from '../src/modules/intel/index.ts';
import { createCorrelateRepository } from '../src/modules/intel/correlate.repository.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const EVENTS = arg('--events', 1_000_000);
const INDICATORS = arg('--indicators', 100_000);
const T = '2024-05-01T00:00:00.000Z';
const ip = (k: number) => `10.${(k >>> 16) & 255}.${(k >>> 8) & 255}.${k & 255}`;

function objects(n: number, offset: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let k = 0; k < n; k++) {
    const i = offset + k;
    const common = { spec_version: '2.1', created: T, modified: T };
    switch (k % 4) {
      case 0: out.push({ type: 'indicator', id: `indicator--${randomUUID()}`, ...common, pattern: `[ipv4-addr:value = '${ip(i)}']`, pattern_type: 'stix', valid_from: T, name: `ind ${i}` }); break;
      case 1: out.push({ type: 'ipv4-addr', spec_version: '2.1', value: ip(i) }); break;
      case 2: out.push({ type: 'malware', id: `malware--${randomUUID()}`, ...common, name: `mal ${i}`, is_family: false }); break;
      default: {
        const prev = out[out.length - 1]!;
        out.push({ type: 'relationship', id: `relationship--${randomUUID()}`, ...common, relationship_type: 'indicates', source_ref: out[out.length - 3]!.id, target_ref: prev.id });
      }
    }
  }
  return out;
}

const server = process.env.DATABASE_URL ? await createServerTestDatabase() : null;
const database = await openDatabase(server ? { databaseUrl: server.url } : { dataDir: 'memory://' });
await migrate(database);
const db = database.db;
const audit = createAuditService({ repo: createAuditRepository(), clock: systemClock });
const intel = createIntel({ db, audit, clock: systemClock }).service;
console.log(`engine ${database.engine}`);

// 1. ingest
for (let round = 0; round < 3; round++) {
  const objs = objects(20_000, round * 20_000);
  const body = JSON.parse(JSON.stringify({ type: 'bundle', id: `bundle--${randomUUID()}`, objects: objs }));
  const t0 = performance.now();
  const r = await intel.importBundle(body, { source: 'local', actor: SYSTEM_ACTOR });
  const s = (performance.now() - t0) / 1000;
  console.log(`ingest round ${round + 1}: ${objs.length} objects in ${s.toFixed(2)} s = ${Math.round(objs.length / s)} objects/s (accepted ${r.accepted.length}, rejected ${r.rejected.length})`);
}

// 2. correlation: events, then new indicators
await sql`insert into events (time_observation, feed_id, report_id, line_no, classification_taxonomy, classification_type, source_ip, source_fqdn, source_url, tlp, dedup_key, data)
  select now(), ${randomUUID()}::uuid, ${randomUUID()}::uuid, g, 'malicious-code', 'c2-server',
         ('172.16.0.0'::inet + g), 'h' || g || '.evt' || (g % 1000) || '.example', 'http://h' || g || '.example/', 'amber', 'k' || g, '{}'::jsonb
    from generate_series(1, ${EVENTS}) g`.execute(db);
await sql`analyze events`.execute(db);
const inds: Record<string, unknown>[] = [];
for (let k = 0; k < INDICATORS; k++) {
  const v = k % 10 === 0 ? `[ipv4-addr:value = '172.16.${(k >>> 8) & 255}.0/28']` : k % 10 === 1 ? `[domain-name:value = 'evt${k % 1000}.example']` : `[ipv4-addr:value = '${`172.${16 + ((k >>> 16) & 7)}.${(k >>> 8) & 255}.${k & 255}`}']`;
  inds.push({ type: 'indicator', id: `indicator--${randomUUID()}`, spec_version: '2.1', created: T, modified: T, pattern: v, pattern_type: 'stix', valid_from: T });
}
const t1 = performance.now();
const r = await intel.importBundle({ type: 'bundle', id: `bundle--${randomUUID()}`, objects: inds }, { source: 'local', actor: SYSTEM_ACTOR });
console.log(`import of ${INDICATORS} indicators incl. correlation: ${((performance.now() - t1) / 1000).toFixed(2)} s (events correlated: ${r.correlations.events}, over-correlated ${r.correlations.overCorrelated.length})`);
const ids = inds.map((o) => o.id as string);
const correlate = createCorrelateRepository();
const obs = await db.selectFrom('intel_observables').selectAll().where('object_id', '=', sql<string>`any(${ids}::text[])`).execute();
const t2 = performance.now();
await db.transaction().execute(async (tx) => {
  await correlate.correlate(tx, 'incident', obs, 50, new Date());
  await correlate.correlate(tx, 'event', obs, 50, new Date());
});
console.log(`correlation alone: ${INDICATORS} indicators against ${EVENTS} events: ${((performance.now() - t2) / 1000).toFixed(2)} s`);
await database.close();
await server?.drop();
