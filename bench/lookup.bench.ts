/**
 * Lookup index benchmark: `node bench/lookup.bench.ts` (or `npm run bench:lookup`).
 * Re-spawns itself with --expose-gc so heap figures are measured after a full GC.
 * Synthetic, deterministic data: 700k IPv4 prefixes (/16 roots, nested /17-/30), 300k IPv6
 * prefixes (/32 roots, nested /33-/64), 200k domains (+ 20k e-mail domains, 20k ASNs).
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DomainTable } from '../src/platform/lookup-index/domain-table.ts';
import { formatIPv4, formatIPv6, parseIPv4Range } from '../src/platform/lookup-index/ip.ts';
import { LookupIndex } from '../src/platform/lookup-index/lookup-index.ts';
import { buildPrefixTable } from '../src/platform/lookup-index/prefix-build.ts';
import { below, mulberry32 } from '../src/platform/lookup-index/prng.ts';
import type { Asset } from '../src/platform/lookup-index/types.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  const args = ['--expose-gc', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)];
  const child = spawnSync(process.execPath, args, { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

const N_V4 = 700_000;
const N_V6 = 300_000;
const N_DOMAINS = 200_000;
const N_EMAIL = 20_000;
const N_ASN = 20_000;
const ROUNDS = 5;
const ROUND_MS = 300;
const TARGET_OPS = 1_000_000;
const TARGET_BUILD_MS = 5_000;

const next = mulberry32(20240601);
const mask = (bits: number) => (bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0);

/** Nested IPv4 prefixes: 20k /16 roots, then children of random earlier prefixes, 1-8 bits longer (up to /30). */
function genV4(): { addr: Uint32Array; len: Uint8Array } {
  const addr = new Uint32Array(N_V4);
  const len = new Uint8Array(N_V4);
  for (let i = 0; i < N_V4; i++) {
    const p = i < 20_000 ? -1 : below(next, i);
    if (p < 0 || len[p]! >= 30) {
      addr[i] = (next() & 0xffff0000) >>> 0;
      len[i] = 16;
      continue;
    }
    const l = Math.min(30, len[p]! + 1 + below(next, 8));
    addr[i] = (addr[p]! | (next() & ~mask(len[p]!) & mask(l))) >>> 0;
    len[i] = l;
  }
  return { addr, len };
}

/** Nested IPv6 prefixes: 5k /32 roots in 2000::/3, children 1-16 bits longer (up to /64). */
function genV6(): { w0: Uint32Array; w1: Uint32Array; len: Uint8Array } {
  const w0 = new Uint32Array(N_V6);
  const w1 = new Uint32Array(N_V6);
  const len = new Uint8Array(N_V6);
  for (let i = 0; i < N_V6; i++) {
    const p = i < 5_000 ? -1 : below(next, i);
    if (p < 0 || len[p]! >= 64) {
      w0[i] = (0x20000000 | (next() & 0x1fffffff)) >>> 0;
      len[i] = 32;
      continue;
    }
    const l = Math.min(64, len[p]! + 1 + below(next, 16));
    w0[i] = w0[p]!;
    w1[i] = (w1[p]! | (next() & ~mask(len[p]! - 32) & mask(l - 32))) >>> 0;
    len[i] = l;
  }
  return { w0, w1, len };
}

const SYL = ['ka', 'to', 'mi', 'ra', 'ne', 'so', 'lu', 'vi', 'de', 'po', 'an', 'el', 'is', 'or', 'us', 'ex'];
const TLDS = ['com', 'org', 'net', 'eu', 'de', 'fr', 'nl', 'gov', 'edu', 'io'];
function label(): string {
  let s = '';
  for (let n = 2 + below(next, 3); n > 0; n--) s += SYL[below(next, SYL.length)];
  return s;
}

/** 200k domains: 60% registrable names, 40% subdomains of earlier ones. */
function genDomains(): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  while (out.length < N_DOMAINS) {
    const d = out.length > 1000 && next() % 10 < 4 ? `${label()}.${out[below(next, out.length)]}` : `${label()}${label()}.${TLDS[below(next, TLDS.length)]}`;
    if (seen.has(d)) continue;
    seen.add(d);
    out.push(d);
  }
  return out;
}

function makeAssets(v4: ReturnType<typeof genV4>, v6: ReturnType<typeof genV6>, domains: string[]): Asset[] {
  const assets: Asset[] = [];
  const add = (type: Asset['type'], value: string) => assets.push({ assetId: `a${assets.length}`, organizationId: `org${assets.length % 25_000}`, type, value });
  for (let i = 0; i < N_V4; i++) add('cidr', `${formatIPv4(v4.addr[i]!)}/${v4.len[i]}`);
  for (let i = 0; i < N_V6; i++) add('cidr', `${formatIPv6([v6.w0[i]!, v6.w1[i]!, 0, 0])}/${v6.len[i]}`);
  for (const d of domains) add('domain', d);
  for (let i = 0; i < N_EMAIL; i++) add('email_domain', domains[below(next, domains.length)]!);
  for (let i = 0; i < N_ASN; i++) add('asn', String(64_512 + i));
  // Flatten concatenated (rope) strings now, as database rows would arrive flat; otherwise the
  // first parse flattens them during the timed build and skews time and heap figures.
  let sink = 0;
  for (const a of assets) sink += a.value.charCodeAt(a.value.length - 1) + a.assetId.charCodeAt(0);
  return sink > 0 ? assets : [];
}

function heap(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

function timed<T>(fn: () => T): { value: T; ms: number; bytes: number } {
  const before = heap();
  const t0 = performance.now();
  const value = fn();
  const ms = performance.now() - t0;
  return { value, ms, bytes: heap() - before };
}

/** Runs fn(i) in batches for ROUND_MS per round; returns the median ops/s over ROUNDS (+1 warm-up). */
function measure(fn: (i: number) => number): { median: number; rounds: number[]; perOp: number } {
  const rounds: number[] = [];
  let sink = 0;
  let total = 0;
  for (let r = 0; r <= ROUNDS; r++) {
    let ops = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < ROUND_MS) {
      for (let k = 0; k < 10_000; k++) sink += fn(ops++);
      t = performance.now();
    }
    total += ops;
    if (r > 0) rounds.push((ops / (t - t0)) * 1000);
  }
  const sorted = [...rounds].sort((a, b) => a - b);
  return { median: sorted[sorted.length >> 1]!, rounds, perOp: sink / total };
}

const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function main(): void {
  const tGen = performance.now();
  const v4 = genV4();
  const v6 = genV6();
  const domains = genDomains();
  const assets = makeAssets(v4, v6, domains);
  const machine = `${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, load avg ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
  console.log(`node ${process.version} on ${machine}`);
  console.log(`${assets.length.toLocaleString('en-US')} assets generated in ${(performance.now() - tGen).toFixed(0)} ms`);

  const cidrs4 = assets.slice(0, N_V4);
  const cidrs6 = assets.slice(N_V4, N_V4 + N_V6);
  const t4 = timed(() => buildPrefixTable(4, cidrs4, (a) => a.value).table);
  const t6 = timed(() => buildPrefixTable(6, cidrs6, (a) => a.value).table);
  const td = timed(() => {
    const table = new DomainTable<Asset>();
    for (const a of assets.slice(N_V4 + N_V6, N_V4 + N_V6 + N_DOMAINS)) table.add(a.value, a);
    return table;
  });
  const slots = { v4: t4.value.slotCount, v6: t6.value.slotCount };
  t4.value = null as never;
  t6.value = null as never;
  td.value = null as never;
  const full = timed(() => LookupIndex.build(assets));
  const index = full.value;
  if (index.stats().rejected > 0) throw new Error(`rejected assets: ${JSON.stringify(index.rejected().slice(0, 3))}`);

  console.log('\nBuild (parse + sort + link; heap = heapUsed + external after GC)');
  const rows: [string, number, number, string][] = [
    [`PrefixTable IPv4 (${fmt(N_V4)} prefixes, ${fmt(slots.v4)} slots)`, t4.ms, t4.bytes, `${(t4.bytes / N_V4).toFixed(1)} B/prefix`],
    [`PrefixTable IPv6 (${fmt(N_V6)} prefixes, ${fmt(slots.v6)} slots)`, t6.ms, t6.bytes, `${(t6.bytes / N_V6).toFixed(1)} B/prefix`],
    [`DomainTable (${fmt(N_DOMAINS)} domains)`, td.ms, td.bytes, `${(td.bytes / N_DOMAINS).toFixed(1)} B/domain`],
    [`LookupIndex.build (all ${fmt(assets.length)} assets)`, full.ms, full.bytes, `${(full.bytes / assets.length).toFixed(1)} B/asset`],
  ];
  for (const [name, ms, bytes, per] of rows) console.log(`  ${name.padEnd(58)} ${ms.toFixed(0).padStart(6)} ms  ${mb(bytes).padStart(9)}  ${per}`);
  console.log(`  prefix tables alone: ${((t4.bytes + t6.bytes) / (N_V4 + N_V6)).toFixed(1)} B/prefix; stats().approxBytes = ${mb(index.stats().approxBytes)}`);

  // Query sets: 80% addresses inside generated prefixes, 20% random.
  const Q = 1 << 16;
  const qv4 = new Uint32Array(1 << 20);
  for (let i = 0; i < qv4.length; i++) {
    const p = below(next, N_V4);
    qv4[i] = next() % 5 === 0 ? next() : (v4.addr[p]! | (next() & ~mask(v4.len[p]!))) >>> 0;
  }
  const sv4 = Array.from({ length: Q }, (_, i) => formatIPv4(qv4[i]!));
  const sv6 = Array.from({ length: Q }, () => {
    const p = below(next, N_V6);
    return formatIPv6([v6.w0[p]!, (v6.w1[p]! | (next() & ~mask(v6.len[p]! - 32))) >>> 0, next(), next()]);
  });
  const sdom = Array.from({ length: Q }, () => (next() % 2 ? `www.${domains[below(next, domains.length)]}` : domains[below(next, domains.length)]!));
  const mixed = Array.from({ length: Q }, (_, i) => {
    const r = i % 20;
    if (r < 9) return sv4[i]!;
    if (r < 13) return sv6[i]!;
    if (r < 16) return sdom[i]!;
    if (r < 17) return `https://${sdom[i]}/login`;
    if (r < 18) return `soc@${sdom[i]}`;
    if (r < 19) return `AS${64_512 + (i % N_ASN)}`;
    return `${sv4[i]}/32`;
  });
  // Queries arrive as flat strings from a parsed request body; mimic that (no rope strings).
  const [fv4, fv6, fdom, fmixed] = JSON.parse(JSON.stringify([sv4, sv6, sdom, mixed])) as string[][];
  const QM = Q - 1;
  const VM = qv4.length - 1;
  const matches = (q: string) => {
    const r = index.lookup(q);
    return r.ok ? r.value.matches.length : -1;
  };
  const paths: [string, (i: number) => number][] = [
    ['IPv4 numeric  lookupIPv4Fast(uint32)', (i) => (index.lookupIPv4Fast(qv4[i & VM]!) === null ? 0 : 1)],
    ['IPv4 string   parseIPv4 + lookupIPv4Fast', (i) => {
      const s = fv4![i & QM]!;
      return index.lookupIPv4Fast(parseIPv4Range(s, 0, s.length)) === null ? 0 : 1;
    }],
    ['IPv4 string   lookup() (all matches)', (i) => matches(fv4![i & QM]!)],
    ['IPv6 string   lookup() (all matches)', (i) => matches(fv6![i & QM]!)],
    ['domain string lookup() (all matches)', (i) => matches(fdom![i & QM]!)],
    ['mixed         lookup() (45% v4, 20% v6, 25% dom/url, 10% other)', (i) => matches(fmixed![i & QM]!)],
  ];
  console.log(`\nLookups/s on one core (median of ${ROUNDS} rounds x ${ROUND_MS} ms, after 1 warm-up round)`);
  const results: { name: string; median: number }[] = [];
  for (const [name, fn] of paths) {
    const m = measure(fn);
    results.push({ name, median: m.median });
    const spread = `[${m.rounds.map((x) => (x / 1e6).toFixed(2)).join(', ')}] M/s`;
    console.log(`  ${name.padEnd(64)} ${fmt(m.median).padStart(12)} /s   ${spread}  ${m.perOp.toFixed(2)} matches/query`);
  }

  const fastOk = results.slice(0, 2).every((r) => r.median >= TARGET_OPS);
  const buildOk = full.ms < TARGET_BUILD_MS;
  const meeting = results.filter((r) => r.median >= TARGET_OPS).map((r) => r.name.replace(/\s+/g, ' '));
  console.log('\nSummary');
  console.log(`  build: ${full.ms.toFixed(0)} ms for ${fmt(assets.length)} assets (target < ${TARGET_BUILD_MS} ms) -> ${buildOk ? 'ok' : 'MISSED'}`);
  console.log(`  paths >= ${fmt(TARGET_OPS)} lookups/s: ${meeting.length ? meeting.join('; ') : 'none'}`);
  console.log(`  paths below target: ${results.filter((r) => r.median < TARGET_OPS).map((r) => r.name.replace(/\s+/g, ' ')).join('; ') || 'none'}`);
  console.log(`${fastOk && buildOk ? 'PASS' : 'FAIL'}: IPv4 numeric & string hot paths >= 1M lookups/s and build < 5 s`);
  process.exitCode = fastOk && buildOk ? 0 : 1;
}

main();
