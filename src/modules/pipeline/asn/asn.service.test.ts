import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../platform/db/database.ts';
import { createTestDatabase, testEngine } from '../../../platform/db/testing.ts';
import { createLogger } from '../../../platform/logger.ts';
import { AppError } from '../../../platform/errors.ts';
import { createAuditRepository, createAuditService, SYSTEM_ACTOR } from '../../audit/index.ts';
import { createAsnPrefixes, importPrefixesFile, SAMPLE_FILE, seedAsnSample } from './index.ts';

let database: Database;
const clock = { now: () => new Date('2025-05-01T00:00:00Z') };
const build = () => createAsnPrefixes({ db: database.db, audit: createAuditService({ repo: createAuditRepository(), clock }), clock, log: createLogger('silent') }).service;
const stream = (text: string) => (async function* () {
  yield new TextEncoder().encode(text);
})();

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe(`ASN prefix table (${testEngine()})`, () => {
  it('seeds the shipped sample once and answers demo, multi-origin and IPv6 lookups', async () => {
    const asn = build();
    expect(await asn.table()).toBeNull();
    expect(await seedAsnSample(asn)).toBe(true);
    expect(await seedAsnSample(asn)).toBe(false);
    const table = (await asn.table())!;
    expect(table.lookupText('198.18.5.1')).toEqual({ asn: 64497, cc: 'XX', asName: 'RIVERSIDE-HYDRO' });
    expect(table.lookupText('198.19.255.1')).toMatchObject({ asn: 64496, asName: 'DEMO-BENCHMARK-NET' });
    expect(table.lookupText('2001:db8:101::1')?.asn).toBe(64497);
    expect(table.lookupText('198.51.100.7')?.asn).toBe(64511);
    expect(table.lookupText('203.0.113.7')?.asn).toBe(65550);
    const stats = await asn.stats();
    expect(stats.prefixes.v4).toBeGreaterThan(36);
    expect(stats.lastImport).toMatchObject({ source: 'sample', actor: 'system', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const row = await database.db.selectFrom('asn_prefixes').selectAll().where('prefix', '=', '198.51.100.0/24').executeTakeFirstOrThrow();
    expect(row.origins.map(Number)).toEqual([64511, 64510]);
  });

  it('replaces the whole table, audits the import, and another process reloads it', async () => {
    const asn = build();
    const other = build();
    await other.table();
    const r = await asn.import(stream('# mine\n192.0.2.0\t24\t64500\tDE\tONE\n2001:db8::\t32\t{64501,64502}\n'), { source: 'api' }, { userId: null, label: 'tester' });
    expect(r).toMatchObject({ lines: 3, prefixes: { v4: 1, v6: 1 }, asns: 3 });
    expect((await database.db.selectFrom('asn_prefixes').select('prefix').execute()).map((p) => p.prefix).sort()).toEqual(['192.0.2.0/24', '2001:db8::/32']);
    const audit = await database.db.selectFrom('audit_log').selectAll().where('action', '=', 'asn_prefixes.imported').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_label: 'tester', entity_id: String(r.seq) });
    expect((await asn.table())!.lookupText('192.0.2.9')).toEqual({ asn: 64500, cc: 'DE', asName: 'ONE' });
    expect((await build().table())!.lookupText('198.18.5.1')).toBeUndefined();
  });

  it('rejects a file with bad lines as a whole, naming each line and code, and keeps the old table', async () => {
    const asn = build();
    const before = await asn.stats();
    const err = await asn.import(stream('192.0.2.0\t24\t64500\n198.18.0.1\t24\t1\n192.0.2.0\t24\t64501\nnonsense\n'), { source: 'api' }, SYSTEM_ACTOR).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('asn.import_rejected');
    expect(((err as AppError).details as { errors: { line: number; code: string }[] }).errors.map((e) => [e.line, e.code])).toEqual([
      [2, 'pfx2as.host_bits'],
      [3, 'pfx2as.duplicate_prefix'],
      [4, 'pfx2as.columns'],
    ]);
    expect(await asn.stats()).toEqual(before);
    expect(await database.db.selectFrom('asn_prefixes').select('prefix').execute()).toHaveLength(2);
    await expect(asn.import(stream('# only a comment\n'), { source: 'api' }, SYSTEM_ACTOR)).rejects.toMatchObject({ code: 'asn.import_empty' });
  });

  it('imports a file from disk for the CLI and prints what happened', async () => {
    const lines: string[] = [];
    await importPrefixesFile(build(), SAMPLE_FILE, SYSTEM_ACTOR, (l) => lines.push(l));
    expect(lines[0]).toMatch(/^Imported \d+ IPv4 and \d+ IPv6 prefixes/);
    const bad = `${fs.mkdtempSync('/tmp/pfx-')}/bad.txt`;
    fs.writeFileSync(bad, '1.2.3.0\t24\tx\n');
    const out: string[] = [];
    await expect(importPrefixesFile(build(), bad, SYSTEM_ACTOR, (l) => out.push(l))).rejects.toMatchObject({ code: 'asn.import_rejected' });
    expect(out).toEqual([expect.stringMatching(/^line 1: .*\(pfx2as.invalid_origin\)$/)]);
    await expect(importPrefixesFile(build(), '/nonexistent/file', SYSTEM_ACTOR)).rejects.toMatchObject({ code: 'asn.file_not_found' });
  });
});
