/**
 * Incidents at scale: `node bench/incidents.bench.ts [--quick] [--explain] [--keep] [--verbose]` (or `npm run bench:incidents`).
 * Embedded engine in a temporary data directory by default; with DATABASE_URL, a fresh database on
 * that server, dropped afterwards. Bulk-loads 1,000,000 incidents (100,000 with --quick) with
 * set-based SQL, then measures through the real HTTP app (in-process `app.request`):
 *   1. the analyst's queue: filters, full-text search and keyset pages (target p95 < 100 ms);
 *   2. center notification intake, one by one and in batches (target >= 2,000/s on the embedded engine);
 *   3. the analyst's queue under a 10x flood of public traffic (target p95 < 200 ms).
 * --explain prints EXPLAIN (ANALYZE, BUFFERS) of every list query shape once; --keep keeps the
 * embedded data directory; --verbose logs the app's errors to stderr.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { createVigil } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { openDatabase, type Database } from '../src/platform/db/database.ts';
import type { DB } from '../src/platform/db/schema.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { createServerDatabase } from '../src/platform/db/testing.ts';
import type { Principal } from '../src/platform/http/context.ts';
import { createLogger } from '../src/platform/logger.ts';
import { SYSTEM_ACTOR } from '../src/modules/audit/index.ts';
import { createIncidentsRepository, type IncidentFilter } from '../src/modules/incidents/incidents.repository.ts';
import { toFilter } from '../src/modules/incidents/incidents.service.ts';
import { rsitTaxonomies } from '../src/platform/rsit.ts';
import { solveChallenge } from '../src/modules/reports/index.ts';

const QUICK = process.argv.includes('--quick');
const EXPLAIN = process.argv.includes('--explain');
const KEEP = process.argv.includes('--keep');
const N = QUICK ? 100_000 : 1_000_000;
const CHUNK = 100_000;
const SAMPLES = 200;
const QUERY_TARGET_MS = 100;
const INTAKE_TARGET = 2_000;
const OVERLOAD_TARGET_MS = 200;
const INTAKE_SECONDS = 10;
const NORMAL_PUBLIC_RPS = 10;
const OVERLOAD_RPS = 10 * NORMAL_PUBLIC_RPS;
const OVERLOAD_SECONDS = 10;
const LEGIT_SHARE = 0.05;
const PASSWORD = 'correct horse battery staple';
const SERVER_URL = process.env.DATABASE_URL;

// Deterministic PRNG for everything chosen in JavaScript.
let rngState = 20_240_601;
const rnd = () => {
  rngState = (rngState + 0x6d2b79f5) | 0;
  let t = Math.imul(rngState ^ (rngState >>> 15), 1 | rngState);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

// The vocabulary: ~240 security terms (Zipf-distributed: the commonest are in half of all incidents)
// and 40,000 synthetic words (a long tail: the rarest are in a few hundred incidents per million).
const HEAD = [...new Set(`phishing credential ransomware malware server access network attack account vulnerability exploit email
  domain botnet scanning traffic payload login password firewall ddos intrusion backdoor trojan command control
  beacon lateral movement exfiltration data leak breach outage service encryption certificate vpn gateway router
  switch endpoint workstation laptop mobile android windows linux kernel patch update firmware scada plc ics
  hmi historian substation pipeline turbine pump valve sensor grid power water hospital patient clinic bank payment
  card fraud invoice supplier vendor contract cloud tenant storage bucket database backup snapshot registry dns
  resolver nameserver certificate tls http https proxy tor relay spam bulk campaign lure attachment macro document
  spreadsheet script powershell shell webshell rce sqli xss csrf ssrf deserialization overflow injection zero day
  cve advisory indicator hash sample sandbox detonation alert siem soc analyst triage containment eradication
  recovery forensic image memory dump disk log audit trail timeline ioc observable ip address subnet asn prefix
  hijack bgp route leak defacement website portal citizen ministry agency municipality school university research
  telecom operator subscriber sim swap voip pbx satellite airport airline railway port logistics shipping customs
  energy oil gas nuclear chemical factory plant manufacturing robot warehouse retail ecommerce shop marketplace
  crypto wallet exchange miner cryptojacking brute force spray stuffing mfa token session cookie oauth saml
  identity directory domain-controller kerberos ntlm relay printer camera iot router-firmware nas vpn-appliance`
  .split(/\s+/)
  .filter(Boolean))];
const SYL = ['ka', 'to', 'mi', 'ra', 'ne', 'so', 'lu', 'vi', 'de', 'po', 'an', 'el', 'is', 'or', 'us', 'ex', 'ga', 'fu', 'zo', 'qi'];
const N_TAIL = 40_000;
/** Tail word k: four syllables from the base-20 digits of k + 8000 (the same formula as in BULK_SQL). */
const tailWord = (k: number) => [0, 1, 2, 3].map((d) => SYL[Math.floor((k + 8000) / 20 ** d) % 20]).join('');

const SECTORS = ['energy', 'transport', 'banking', 'health', 'drinking-water', 'digital-infrastructure', 'public-administration', 'telecommunications', 'manufacturing', 'research', 'education', 'chemicals', 'food', 'space', 'postal'];

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const median = (xs: number[]) => pct(xs, 50);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => `load avg ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;

/** A fresh database: the embedded engine in a temporary directory, or a new one on the server. */
async function openBenchDatabase(): Promise<{ database: Database; dataDir: string; cleanup(): Promise<void> }> {
  if (!SERVER_URL) {
    const dataDir = fs.mkdtempSync(path.join(tmpdir(), 'vigil-bench-incidents-'));
    const database = await openDatabase({ dataDir });
    return { database, dataDir, cleanup: async () => (KEEP ? console.log(`kept ${dataDir}`) : fs.rmSync(dataDir, { recursive: true, force: true })) };
  }
  const { url, drop } = await createServerDatabase(SERVER_URL, 'vigil_bench');
  const database = await openDatabase({ databaseUrl: url, poolMax: 10 });
  return { database, dataDir: 'memory://', cleanup: drop };
}

/** Values repeated by weight in an array of 100 (or `size`), so SQL picks one with `arr[1 + floor(random() * size)]`. */
function weighted<T>(weights: [T, number][], size = 100): T[] {
  const total = weights.reduce((s, [, w]) => s + w, 0);
  const out: T[] = [];
  for (const [v, w] of weights) for (let i = Math.round((w / total) * size); i > 0 && out.length < size; i--) out.push(v);
  while (out.length < size) out.push(weights[0]![0]);
  return out;
}

const RSIT: string[] = (() => {
  const file = JSON.parse(fs.readFileSync(new URL('../src/platform/rsit.machinetag.json', import.meta.url), 'utf8')) as { values: { predicate: string; entry: { value: string }[] }[] };
  return file.values.flatMap((v) => v.entry.map((e) => `${v.predicate}/${e.value}`));
})();

// One word of the vocabulary: half the time a security term (Zipf-like: power 1.6), else a tail word.
const WORD = `case when r < 0.5 then ($1::text[])[1 + hk]
  else ($2::text[])[1 + tk % 20] || ($2::text[])[1 + (tk / 20) % 20] || ($2::text[])[1 + (tk / 400) % 20] || ($2::text[])[1 + (tk / 8000) % 20] end`;
const WORDS = (min: number, spread: number) => `(select string_agg(${WORD}, ' ') from (select random() as r, floor(power(random(), 1.6) * $3)::int as hk,
  8000 + floor(power(random(), 2) * $4)::int as tk from generate_series(1, ${min} + i % ${spread}) where i is not null) x)`;
// Text fragments, drawn once: titles of 3-7 words; descriptions join two fragments of 8-25 words.
const FRAGMENTS_SQL = [
  'create temp table bench_title (i int primary key, words text not null)',
  'create temp table bench_text (i int primary key, words text not null)',
  `insert into bench_title select i, ${WORDS(3, 5)} from generate_series(1, 20000) i`,
  `insert into bench_text select i, ${WORDS(8, 18)} from generate_series(1, 50000) i`,
];

/**
 * Inserts incidents g = from..to in one statement, in creation order over two years (more per day
 * lately, as in a growing service): states by age (old cases are mostly closed), severity, TLP,
 * taxonomy and organization by weight, a title fragment and a description of two fragments.
 */
const BULK_SQL = `
with base as (
  select g, $1::timestamptz - (730 * 86400 * power(1 - (g - 0.5) / $13::int, 1.25) + 600 * random()) * interval '1 second' as created_at,
    random() as rs, random() as rv, random() as rt, random() as ro, random() as rx, random() as rc, random() as ru,
    1 + floor(random() * 20000)::int as ft, 1 + floor(random() * 50000)::int as fa, 1 + floor(random() * 50000)::int as fb
  from generate_series($2::int, $3::int) g
), shaped as (
  select b.*, extract(epoch from ($1::timestamptz - created_at)) / 86400 as age,
    case when created_at > $1::timestamptz - interval '3 days' then ($4::text[])[1 + floor(rs * 100)::int]
         when created_at > $1::timestamptz - interval '30 days' then ($5::text[])[1 + floor(rs * 100)::int]
         else ($6::text[])[1 + floor(rs * 100)::int] end as state,
    ($9::text[])[1 + floor(rx * 1000)::int] as rsit,
    case when rc < 0.6 then 'center' when rc < 0.9 then 'analyst' else 'report' end as source
  from base b
)
insert into incidents (id, ref, title, description, state, severity, rsit_taxonomy, rsit_type, tlp, pap, organization_id, cii_object,
  source, source_center_id, external_id, assignee_user_id, assignee_center_id, detected_at, started_at, aware_at, affected_systems,
  merged_into, version, created_at, updated_at, closed_at)
select gen_random_uuid(), 'INC-' || extract(year from created_at)::int || '-' || lpad(g::text, 7, '0'), t.words, a.words || ' ' || d.words,
  state, ($7::text[])[1 + floor(rv * 100)::int], split_part(rsit, '/', 1), split_part(rsit, '/', 2), ($8::text[])[1 + floor(rt * 100)::int],
  case when rt < 0.7 then 'amber' else 'green' end, ($10::uuid[])[1 + floor(ro * 1000)::int], null,
  source, case when source = 'center' then $11::uuid end, case when source = 'center' then 'BULK-' || g end,
  case when state <> 'new' and source <> 'center' then $12::uuid end, case when source = 'center' then $11::uuid end,
  created_at - interval '40 minutes' * ru, null, case when source = 'center' then created_at - interval '40 minutes' * ru else created_at end, null,
  null, 1 + floor(ru * 5)::int, created_at, created_at + least(age, 20) * ru * interval '1 day',
  case when state in ('closed', 'rejected', 'duplicate') then created_at + least(age, 20) * ru * interval '1 day' end
from shaped join bench_title t on t.i = ft join bench_text a on a.i = fa join bench_text d on d.i = fb`;

type Seed = { orgs: { id: string; sector: string; served: boolean }[]; centerId: string; analystId: string; analystCookie: string; centerKey: string };

/**
 * Loads `n` incidents as a bulk loader would: the secondary indexes of `incidents` are dropped
 * first and built again afterwards (unique ones stay), then the table is vacuumed and analyzed.
 */
async function bulkLoad(database: Database, n: number, s: Seed, now: Date): Promise<{ loadMs: number; indexMs: number; vacuumMs: number }> {
  const young = weighted([['new', 35], ['triaged', 25], ['containment', 15], ['eradication', 8], ['recovery', 7], ['resolved', 10]]);
  const recent = weighted([['new', 3], ['triaged', 7], ['containment', 8], ['eradication', 5], ['recovery', 5], ['resolved', 25], ['closed', 40], ['rejected', 5], ['duplicate', 2]]);
  const old = weighted([['closed', 86], ['rejected', 6], ['duplicate', 4], ['resolved', 2], ['triaged', 1], ['containment', 1]]);
  const severity = weighted([['critical', 3], ['high', 17], ['medium', 45], ['low', 35]]);
  const tlp = weighted([['clear', 10], ['green', 30], ['amber', 50], ['amber+strict', 7], ['red', 3]]);
  // Taxonomies and organizations by Zipf-like weight; 5% of incidents name no organization.
  const rsit = weighted(RSIT.map((p, i) => [p, 1 / (i + 1)] as [string, number]), 1000);
  const orgs = weighted<string | null>([[null, 5], ...s.orgs.map((o, i) => [o.id, 95 / Math.pow(i + 1, 0.8)] as [string, number])], 1000);
  const client = await database.connect();
  try {
    const { rows } = await client.query(`select indexname, indexdef from pg_indexes where tablename = 'incidents' and indexdef not like 'CREATE UNIQUE%'`);
    const indexes = rows as { indexname: string; indexdef: string }[];
    const t0 = performance.now();
    for (const ix of indexes) await client.query(`drop index ${ix.indexname}`);
    await client.query('select setseed(0.4242)');
    for (const statement of FRAGMENTS_SQL) await client.query(statement, statement.includes('$1') ? [HEAD, SYL, HEAD.length, N_TAIL] : []);
    for (let from = 1; from <= n; from += CHUNK) {
      const to = Math.min(n, from + CHUNK - 1);
      await client.query(BULK_SQL, [now.toISOString(), from, to, young, recent, old, severity, tlp, rsit, orgs, s.centerId, s.analystId, n]);
      process.stdout.write(`\r  loaded ${fmt(to)} / ${fmt(n)} incidents  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
    process.stdout.write('\n');
    await client.query(`select setval('incident_ref_seq', ${n + 1})`);
    await client.query('drop table bench_title, bench_text');
    const t1 = performance.now();
    await client.query("set maintenance_work_mem = '256MB'");
    for (const ix of indexes) await client.query(ix.indexdef);
    await client.query('reset maintenance_work_mem');
    const t2 = performance.now();
    await client.query('vacuum analyze');
    console.log(`  rebuilt ${indexes.map((i) => i.indexname).join(', ')}`);
    return { loadMs: t1 - t0, indexMs: t2 - t1, vacuumMs: performance.now() - t2 };
  } finally {
    client.release();
  }
}

type Vigil = ReturnType<typeof createVigil>;

async function signIn(vigil: Vigil, email: string): Promise<{ cookie: string; csrf: string }> {
  const res = await vigil.app.request('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

/** 40 organizations over 15 sectors (a third CII), a center serving 32 of them, an analyst, and the center's API key. */
async function seed(vigil: Vigil): Promise<Seed> {
  const { constituency, centers, users } = vigil.services;
  const orgs: Seed['orgs'] = [];
  for (let i = 0; i < 40; i++) {
    const sector = SECTORS[i % SECTORS.length]!;
    const isCii = i % 3 === 0;
    const row = await constituency.organizations.create({ name: `Bench Org ${String(i).padStart(2, '0')} (${sector})`, sector, isCii, ciiCategory: isCii ? (i % 2 ? 'significant' : 'other') : null, country: 'XX' }, SYSTEM_ACTOR);
    orgs.push({ id: row.id, sector, served: i < 32 });
  }
  const center = await centers.create({ name: 'Bench Grid SOC' }, SYSTEM_ACTOR);
  await centers.setOrganizations(center.id, orgs.filter((o) => o.served).map((o) => o.id), SYSTEM_ACTOR);
  const analyst = await users.create({ email: 'analyst@bench.example', name: 'Bench Analyst', role: 'analyst', password: PASSWORD, organizationId: null, centerId: null }, SYSTEM_ACTOR);
  await users.create({ email: 'soc@bench.example', name: 'Bench SOC', role: 'center_operator', password: PASSWORD, organizationId: null, centerId: center.id }, SYSTEM_ACTOR);
  const analystSession = await signIn(vigil, 'analyst@bench.example');
  const op = await signIn(vigil, 'soc@bench.example');
  const res = await vigil.app.request('/api/v1/api-keys', {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: op.cookie, 'x-csrf-token': op.csrf },
    body: JSON.stringify({ name: 'bench intake', scopes: ['incidents:notify', 'incidents:read'] }),
  });
  if (res.status !== 201) throw new Error(`API key: ${res.status} ${await res.text()}`);
  const { key } = (await res.json()) as { key: string };
  return { orgs, centerId: center.id, analystId: analyst.id, analystCookie: analystSession.cookie, centerKey: key };
}

type Shape = { name: string; query: () => string };

function shapes(s: Seed, words: { common: string[]; rare: string[]; pairs: string[] }, now: Date): Shape[] {
  const sev = ['critical', 'high', 'medium', 'low'];
  const taxonomies = rsitTaxonomies();
  const day = 86_400_000;
  return [
    { name: 'default queue (limit 50)', query: () => '' },
    { name: 'state=open', query: () => 'state=open' },
    { name: 'severity + organization', query: () => `severity=${pick(sev)}&organizationId=${pick(s.orgs).id}` },
    { name: 'sector', query: () => `sector=${pick(SECTORS)}` },
    { name: 'taxonomy', query: () => `taxonomy=${pick(taxonomies)}` },
    {
      name: 'date range (30 days)',
      query: () => {
        const from = new Date(now.getTime() - (30 + Math.floor(rnd() * 700)) * day);
        return `from=${from.toISOString()}&to=${new Date(from.getTime() + 30 * day).toISOString()}`;
      },
    },
    { name: 'q= common word', query: () => `q=${pick(words.common)}` },
    { name: 'q= rare word', query: () => `q=${pick(words.rare)}` },
    { name: 'q= two words', query: () => `q=${encodeURIComponent(pick(words.pairs))}` },
  ];
}

/** A Kysely whose SELECTs come back as their EXPLAIN (ANALYZE, BUFFERS) plan. */
function explaining(database: Database): Kysely<DB> {
  const pool = {
    async connect() {
      const client = await database.connect();
      return {
        query: async (text: string, params?: readonly unknown[]) => {
          const r = await client.query(/^\s*(select|with)\b/i.test(text) ? `explain (analyze, buffers) ${text}` : text, params);
          return { rows: r.rows, rowCount: r.rows.length, command: 'SELECT' };
        },
        release: () => client.release(),
      };
    },
    end: async () => undefined,
  };
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: pool as never }) });
}

async function explainAll(database: Database, list: Shape[]): Promise<void> {
  const db = explaining(database);
  const repo = createIncidentsRepository();
  const analyst: Principal = { userId: randomUUID(), email: 'a@x', name: 'a', role: 'analyst', organizationId: null, centerId: null, via: 'session', permissions: new Set() };
  for (const shape of list) {
    const params = Object.fromEntries(new URLSearchParams(shape.query()));
    const filter: IncidentFilter = toFilter(params);
    const plan = (await repo.list(db, analyst, filter, undefined, 51)) as unknown as { 'QUERY PLAN': string }[];
    console.log(`\n--- ${shape.name}: ${JSON.stringify(params)}\n${plan.map((r) => r['QUERY PLAN']).join('\n')}`);
  }
}

type Stat = { name: string; samples: number[]; note?: string };

async function timedGet(vigil: Vigil, url: string, headers: Record<string, string>): Promise<{ ms: number; body: { items: unknown[]; nextCursor: string | null } }> {
  const t0 = performance.now();
  const res = await vigil.app.request(url, { headers });
  const body = (await res.json()) as { items: unknown[]; nextCursor: string | null };
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
  return { ms, body };
}

async function measureQueries(vigil: Vigil, s: Seed, list: Shape[]): Promise<Stat[]> {
  const headers = { cookie: s.analystCookie };
  const stats: Stat[] = [];
  for (const shape of list) {
    for (let i = 0; i < 5; i++) await timedGet(vigil, `/api/v1/incidents?${shape.query()}`, headers);
    const samples: number[] = [];
    let rows = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const { ms, body } = await timedGet(vigil, `/api/v1/incidents?${shape.query()}`, headers);
      samples.push(ms);
      rows += body.items.length;
    }
    stats.push({ name: shape.name, samples, note: `${(rows / SAMPLES).toFixed(1)} rows/page` });
  }
  // Deep keyset pages: follow nextCursor 20 pages from the top, 10 times (every page is a sample).
  const deep: number[] = [];
  const last: number[] = [];
  for (let walk = 0; walk < 10; walk++) {
    let cursor: string | null = '';
    for (let page = 1; page <= 20 && cursor !== null; page++) {
      const { ms, body } = await timedGet(vigil, `/api/v1/incidents?limit=50${cursor ? `&cursor=${cursor}` : ''}`, headers);
      deep.push(ms);
      if (page === 20) last.push(ms);
      cursor = body.nextCursor;
    }
  }
  stats.push({ name: 'keyset pages 1-20 (nextCursor)', samples: deep, note: `page 20 median ${median(last).toFixed(1)} ms` });
  // A center operator's queue, for comparison: the visibility predicate applies to it.
  const center: number[] = [];
  for (let i = 0; i < SAMPLES; i++) center.push((await timedGet(vigil, '/api/v1/incidents?limit=50', { authorization: `Bearer ${s.centerKey}` })).ms);
  stats.push({ name: 'center operator queue (visibility)', samples: center, note: 'informational' });
  return stats;
}

function printStats(title: string, stats: Stat[], targetMs: number): void {
  console.log(`\n${title}`);
  console.log(`  ${'request'.padEnd(40)} ${'n'.padStart(5)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)}  result  note`);
  for (const st of stats) {
    const ok = pct(st.samples, 95) < targetMs;
    console.log(`  ${st.name.padEnd(40)} ${String(st.samples.length).padStart(5)} ${median(st.samples).toFixed(1).padStart(8)} ${pct(st.samples, 95).toFixed(1).padStart(8)} ${pct(st.samples, 99).toFixed(1).padStart(8)}  ${ok ? 'PASS' : 'FAIL'}    ${st.note ?? ''}`);
  }
}

async function docCount(database: Database, q: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from incidents where search @@ websearch_to_tsquery('simple', ${q})`.execute(database.db);
  return rows[0]?.n ?? 0;
}

/** A center notification about incident `externalId` (placeholders are filled in when sent). */
function notification(s: Seed, externalId: string, isUpdate: boolean): Record<string, unknown> {
  const [rsitTaxonomy, rsitType] = pick(RSIT).split('/');
  const words = Array.from({ length: 20 + Math.floor(rnd() * 20) }, () => (rnd() < 0.5 ? pick(HEAD) : tailWord(Math.floor(rnd() ** 2 * N_TAIL))));
  const ip = `198.${18 + Math.floor(rnd() * 2)}.${Math.floor(rnd() * 256)}.${1 + Math.floor(rnd() * 254)}`;
  return {
    externalId,
    organizationId: pick(s.orgs.filter((o) => o.served)).id,
    severity: pick(['critical', 'high', 'medium', 'medium', 'low', 'low']),
    rsitTaxonomy,
    rsitType,
    tlp: pick(['green', 'amber', 'amber', 'clear']),
    status: isUpdate ? pick(['contained', 'resolved']) : 'open',
    title: words.slice(0, 5).join(' '),
    description: words.join(' '),
    detectedAt: new Date(Date.now() - 60_000 - Math.floor(rnd() * 3600_000)).toISOString(),
    observables: [
      { type: 'ipv4', value: ip },
      { type: 'domain', value: `${tailWord(Math.floor(rnd() * N_TAIL))}.example` },
      { type: 'sha256', value: randomBytes(32).toString('hex') },
    ],
  };
}

/**
 * Request bodies made before the clock starts, so that the bench measures Vigil and not its own
 * data generator: 90% of the notifications are about new incidents ("@P@-i", a fresh prefix each
 * time a body is sent), 10% update one the previous request created ("@Q@-j").
 */
function intakeBodies(s: Seed, size: number, count: number): string[] {
  return Array.from({ length: count }, () => {
    const m = Math.max(1, size);
    const updates = size === 0 ? (rnd() < 0.1 ? 1 : 0) : Math.floor(m / 10);
    const fresh = m - updates;
    const items = Array.from({ length: m }, (_, i) => (i < fresh ? notification(s, `@P@-${i}`, false) : notification(s, `@Q@-${Math.floor(rnd() * Math.max(1, fresh))}`, true)));
    return JSON.stringify(size === 0 ? items[0] : { items });
  });
}

/** Credits `n` notifications to the wall-clock seconds their request took, in proportion. */
function spread(buckets: number[], from: number, to: number, n: number): void {
  for (let sec = Math.floor(from); sec < Math.min(buckets.length, Math.ceil(to)); sec++) {
    const overlap = Math.min(to, sec + 1) - Math.max(from, sec);
    buckets[sec]! += (n * overlap) / Math.max(to - from, 1e-9);
  }
}

type Throughput = { name: string; perSecond: number[]; total: number; seconds: number; requestMs: number[]; cpuShare: number };

/**
 * Posts notifications for `seconds` with `concurrency` requests in flight, `size` per request
 * (0 = the single endpoint); each request's notifications count towards the seconds it took.
 */
async function measureIntake(vigil: Vigil, s: Seed, name: string, size: number, concurrency: number, seconds: number): Promise<Throughput> {
  const bodies = intakeBodies(s, size, 40);
  const run = randomBytes(3).toString('hex');
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${s.centerKey}` };
  const path = size === 0 ? '/api/v1/center-notifications' : '/api/v1/center-notifications/batch';
  const buckets = new Array<number>(seconds).fill(0);
  const requestMs: number[] = [];
  let sent = 0;
  let total = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async () => {
    while (performance.now() - t0 < seconds * 1000) {
      const n = ++sent;
      // A body about new incidents (@P@) and updates of the ones an earlier request created (@Q@).
      const body = bodies[n % bodies.length]!.replaceAll('@P@', `${run}-${n}`).replaceAll('@Q@', `${run}-${Math.max(1, n - concurrency)}`);
      const started = performance.now();
      const res = await vigil.app.request(path, { method: 'POST', headers, body });
      const answer = (await res.json()) as { rejected?: number };
      if (res.status >= 300 || (answer.rejected ?? 0) > 0) throw new Error(`intake: ${res.status} ${JSON.stringify(answer).slice(0, 500)}`);
      const done = performance.now();
      requestMs.push(done - started);
      spread(buckets, (started - t0) / 1000, (done - t0) / 1000, Math.max(1, size));
      total += Math.max(1, size);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { name, perSecond: buckets, total, seconds: elapsed, requestMs, cpuShare: (cpu.user + cpu.system) / 1e6 / elapsed };
}

function printIntake(rows: Throughput[], inFlight: number, engine: string): void {
  console.log(`\nCenter notification intake through the HTTP app, ${INTAKE_SECONDS} s each, ${inFlight} request(s) in flight (90% new incidents, 10% updates; 3 observables each; target >= ${fmt(INTAKE_TARGET)}/s on the embedded engine; ${load()} before)`);
  console.log(`  ${'endpoint'.padEnd(44)} ${'median/s'.padStart(9)} ${'min/s'.padStart(7)} ${'mean/s'.padStart(7)} ${'req p50 ms'.padStart(11)} ${'p95 ms'.padStart(7)} ${'cpu'.padStart(5)}  per second`);
  for (const r of rows) {
    const cells = [fmt(median(r.perSecond)).padStart(9), fmt(Math.min(...r.perSecond)).padStart(7), fmt(r.total / r.seconds).padStart(7), median(r.requestMs).toFixed(1).padStart(11), pct(r.requestMs, 95).toFixed(1).padStart(7), `${fmt(100 * r.cpuShare)}%`.padStart(5)];
    console.log(`  ${r.name.padEnd(44)} ${cells.join(' ')}  [${r.perSecond.map((x) => fmt(x)).join(' ')}]`);
  }
  console.log(
    engine === 'embedded'
      ? '  cpu = CPU time of this process (all threads) per second of wall-clock time; the embedded engine runs on its main thread, so well under 100% means other processes took the core'
      : '  cpu = CPU time of this process (all threads) per second of wall-clock time; the PostgreSQL server works in its own processes',
  );
}

type Flood = { label: string; fire(i: number): Response | Promise<Response> };

const peer = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });
const junkAddress = (i: number) => `203.0.113.${i % 250}`;

/**
 * Public traffic at OVERLOAD_RPS (10x an assumed normal NORMAL_PUBLIC_RPS) at POST /api/v1/reports:
 * 5% legitimate reports (proof of work solved beforehand, as reporters' browsers do, each from its
 * own address) and 95% junk (a wrong proof of work). Without that route, failed sign-ins and
 * health checks stand in for it.
 */
async function publicFlood(vigil: Vigil, seconds: number): Promise<Flood> {
  const probe = await vigil.app.request('/api/v1/reports', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const json = { 'content-type': 'application/json' };
  if (probe.status === 404) {
    return {
      label: `POST /api/v1/reports is not mounted: simulated with ${OVERLOAD_RPS} req/s of failed POST /api/v1/auth/login (25 addresses) and GET /api/health, half each`,
      fire: (i) =>
        i % 2
          ? vigil.app.request('/api/health')
          : vigil.app.request('/api/v1/auth/login', { method: 'POST', headers: json, body: JSON.stringify({ email: `nobody${i}@bench.example`, password: 'wrong password' }) }, peer(junkAddress(i % 25))),
    };
  }
  const legit = Math.ceil(seconds * OVERLOAD_RPS * LEGIT_SHARE);
  const t0 = performance.now();
  const solved: string[] = [];
  for (let i = 0; i < legit; i++) {
    const { challenge, difficulty } = (await (await vigil.app.request('/api/v1/reports/challenge')).json()) as { challenge: string; difficulty: number };
    const description = `Phishing mail pretending to be the tax office, link to https://${tailWord(i)}.example/login ${pick(HEAD)} ${pick(HEAD)}`;
    solved.push(JSON.stringify({ category: 'phishing', description, powChallenge: challenge, powNonce: solveChallenge(challenge, difficulty) }));
  }
  console.log(`  ${legit} proofs of work solved beforehand in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const every = Math.round(1 / LEGIT_SHARE);
  return {
    label: `${OVERLOAD_RPS} req/s at POST /api/v1/reports (10x an assumed normal ${NORMAL_PUBLIC_RPS}/s): 1 in ${every} a valid report from its own address, the rest with a wrong proof of work`,
    fire: (i) =>
      i % every === 0 && solved.length
        ? vigil.app.request('/api/v1/reports', { method: 'POST', headers: json, body: solved.pop()! }, peer(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`))
        : vigil.app.request('/api/v1/reports', { method: 'POST', headers: json, body: JSON.stringify({ category: 'phishing', description: 'x', powChallenge: 'v1.x.1.17.x', powNonce: 'abc' }) }, peer(junkAddress(i))),
  };
}

/** Analyst queue pages, one after another, for `seconds`, while `flood` (if any) fires at OVERLOAD_RPS. */
async function underFlood(vigil: Vigil, s: Seed, flood: Flood | null, seconds: number): Promise<{ samples: number[]; statuses: Map<number, number>; fired: number }> {
  const statuses = new Map<number, number>();
  let fired = 0;
  let stop = false;
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  const loop = (async () => {
    while (flood && !stop) {
      const due = Math.floor(((performance.now() - t0) / 1000) * OVERLOAD_RPS);
      while (fired < due) {
        const p = Promise.resolve(flood.fire(fired++)).then(async (res) => {
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        });
        pending.push(p);
      }
      await sleep(5);
    }
  })();
  const samples: number[] = [];
  while (performance.now() - t0 < seconds * 1000 || samples.length < SAMPLES) {
    samples.push((await timedGet(vigil, '/api/v1/incidents?limit=50', { cookie: s.analystCookie })).ms);
    // In-process requests never reach the event loop's timers; a socket server's would.
    await new Promise((r) => setImmediate(r));
  }
  stop = true;
  await loop;
  await Promise.all(pending);
  return { samples, statuses, fired };
}

/** Part 1: seed, bulk-load, then the analyst's queue shapes. */
async function queries(vigil: Vigil, database: Database, s: Seed): Promise<Stat[]> {
  const now = new Date();
  console.log(`\nBulk load (insert ... select from generate_series, ${fmt(CHUNK)} rows per statement)`);
  const loaded = await bulkLoad(database, N, s, now);
  console.log(`  ${fmt(N)} incidents in ${(loaded.loadMs / 1000).toFixed(1)} s (${fmt(N / (loaded.loadMs / 1000))} rows/s); indexes ${(loaded.indexMs / 1000).toFixed(1)} s; vacuum analyze ${(loaded.vacuumMs / 1000).toFixed(1)} s`);
  const words = { common: HEAD.slice(4, 10), rare: Array.from({ length: 30 }, (_, i) => tailWord(N_TAIL - 1 - i)), pairs: Array.from({ length: 10 }, (_, i) => `${HEAD[12 + i]} ${HEAD[30 + 2 * i]}`) };
  for (const [label, w] of [['common', words.common[0]!], ['rare', words.rare[0]!], ['two words', words.pairs[0]!]] as const) {
    const n = await docCount(database, w);
    console.log(`  q="${w}" (${label}) matches ${fmt(n)} incidents (${((100 * n) / N).toFixed(2)}%)`);
  }
  const list = shapes(s, words, now);
  if (EXPLAIN) await explainAll(database, list);
  const stats = await measureQueries(vigil, s, list);
  printStats(`Analyst queue through the HTTP app, ${fmt(N)} incidents, ${SAMPLES} requests each, one at a time (target p95 < ${QUERY_TARGET_MS} ms; ${load()} after)`, stats, QUERY_TARGET_MS);
  return stats;
}

/** Part 2: center notifications one by one and in batches of 100 and 500; then the audit chain is verified. */
async function intake(vigil: Vigil, database: Database, s: Seed): Promise<{ rows: Throughput[]; isChainIntact: boolean }> {
  // The embedded engine has one connection: more requests in flight would only queue for it.
  const inFlight = database.engine === 'embedded' ? 1 : 4;
  const rows = [
    await measureIntake(vigil, s, 'POST /center-notifications (one each)', 0, inFlight, INTAKE_SECONDS),
    await measureIntake(vigil, s, 'POST /center-notifications/batch (100 each)', 100, inFlight, INTAKE_SECONDS),
    await measureIntake(vigil, s, 'POST /center-notifications/batch (500 each)', 500, inFlight, INTAKE_SECONDS),
  ];
  printIntake(rows, inFlight, database.engine);
  const t0 = performance.now();
  const verified = await vigil.services.audit.verify(database.db);
  console.log(`  audit chain after intake: ${verified.ok ? `intact, ${fmt(verified.count)} entries` : `BROKEN at ${verified.brokenAt}: ${verified.reason}`} (verified in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return { rows, isChainIntact: verified.ok };
}

/** Part 3: the analyst's queue page, quiet and under the public flood. */
async function overload(vigil: Vigil, s: Seed): Promise<number[]> {
  console.log(`\nAnalyst queue under public overload (${OVERLOAD_SECONDS} s; target p95 < ${OVERLOAD_TARGET_MS} ms; ${load()})`);
  const flood = await publicFlood(vigil, OVERLOAD_SECONDS);
  console.log(`  ${flood.label}`);
  const quiet = await underFlood(vigil, s, null, 3);
  const loud = await underFlood(vigil, s, flood, OVERLOAD_SECONDS);
  const answered = [...loud.statuses].sort((x, y) => x[0] - y[0]).map(([code, n]) => `${code}: ${fmt(n)}`).join(', ');
  console.log(`  public requests fired ${fmt(loud.fired)} (${fmt(loud.fired / OVERLOAD_SECONDS)}/s); answers ${answered}`);
  printStats('  analyst GET /api/v1/incidents?limit=50, one at a time', [
    { name: 'queue page, quiet', samples: quiet.samples },
    { name: 'queue page, under 10x public overload', samples: loud.samples },
  ], OVERLOAD_TARGET_MS);
  return loud.samples;
}

async function main(): Promise<void> {
  console.log(`node ${process.version} on ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, ${load()}`);
  const { database, dataDir, cleanup } = await openBenchDatabase();
  process.once('SIGINT', () => void database.close().finally(() => cleanup().finally(() => process.exit(130))));
  console.log(`engine: ${database.engine}${SERVER_URL ? '' : ` (data directory ${dataDir})`}; ${fmt(N)} incidents${QUICK ? ' (--quick)' : ''}`);
  try {
    await migrate(database);
    const config = loadConfig({ VIGIL_LOG_LEVEL: 'silent', VIGIL_DATA_DIR: dataDir, VIGIL_DEMO: '0' });
    const vigil = createVigil({ config, database, log: createLogger(process.argv.includes('--verbose') ? 'error' : 'silent') });
    const s = await seed(vigil);
    const stats = await queries(vigil, database, s);
    const notified = await intake(vigil, database, s);
    const loud = await overload(vigil, s);

    const worst = stats.filter((st) => !st.note?.includes('informational')).reduce((a, b) => (pct(b.samples, 95) > pct(a.samples, 95) ? b : a));
    const bestBatch = Math.max(...notified.rows.slice(1).map((r) => median(r.perSecond)));
    const lines: [boolean, string][] = [
      [pct(worst.samples, 95) < QUERY_TARGET_MS, `filtered list and search p95 < ${QUERY_TARGET_MS} ms with ${fmt(N)} incidents (worst: ${worst.name}, p95 ${pct(worst.samples, 95).toFixed(1)} ms)`],
      [bestBatch >= INTAKE_TARGET, `center notification intake >= ${fmt(INTAKE_TARGET)}/s sustained on the ${database.engine} engine (batch endpoint, median ${fmt(bestBatch)}/s; one by one ${fmt(median(notified.rows[0]!.perSecond))}/s)`],
      [pct(loud, 95) < OVERLOAD_TARGET_MS, `analyst queue p95 < ${OVERLOAD_TARGET_MS} ms under 10x public overload (p95 ${pct(loud, 95).toFixed(1)} ms)`],
      [notified.isChainIntact, 'audit chain intact after batch and single intake'],
    ];
    console.log('\nSummary');
    for (const [ok, text] of lines) console.log(`${ok ? 'PASS' : 'FAIL'}: ${text}`);
    process.exitCode = lines.every(([ok]) => ok) ? 0 : 1;
  } finally {
    await database.close();
    await cleanup();
  }
}

await main();
