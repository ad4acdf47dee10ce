import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedPglite, type Database } from '../../platform/db/database.ts';
import { createTestDatabase } from '../../platform/db/testing.ts';
import { txCopy } from '../../platform/db/copy.ts';
import { encodeObjects, encodeObservables, OBJECT_COLUMNS, OBSERVABLE_COLUMNS, pgMicros } from './intel.copy.ts';
import { createIntelRepository, type NewObjectRow, type ObservableRow } from './intel.repository.ts';

describe('pgMicros', () => {
  it('gives microseconds since 2000-01-01 for times the engine reads exactly', () => {
    expect(pgMicros('2000-01-01T00:00:00Z')).toBe(0);
    expect(pgMicros('2000-01-01T00:00:01.5Z')).toBe(1_500_000);
    expect(pgMicros('1999-12-31T23:59:59.999999Z')).toBe(-1);
    expect(pgMicros('2024-02-29T12:00:00.123456Z')).toBe((Date.UTC(2024, 1, 29, 12) - Date.UTC(2000, 0, 1)) * 1000 + 123_456);
  });

  it('uses exact 64-bit values outside the safe-integer range of microseconds', () => {
    expect(pgMicros('0001-01-01T00:00:00Z')).toBe(-63_082_281_600_000_000n);
    expect(pgMicros('9999-12-31T23:59:59.999999Z')).toBe(252_455_615_999_999_999n);
  });

  it('refuses what the engine would round, roll over or reject (the caller then sends text)', () => {
    for (const t of ['2024-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '2024-01-01T00:00:00.1234567Z', '2024-01-01T23:59:60Z', '2024-01-01T24:00:00Z', '2024-01-01 00:00:00Z', '2024-01-01T00:00:00+01:00']) {
      expect(pgMicros(t), t).toBeNull();
    }
  });
});

const row = (over: Partial<NewObjectRow> = {}): NewObjectRow => ({
  id: `malware--${crypto.randomUUID()}`,
  modified: '2024-01-02T03:04:05.123456Z',
  created: '2024-01-01T00:00:00Z',
  type: 'malware',
  spec_version: '2.1',
  date_added: new Date('2024-05-06T07:08:09.012Z'),
  tlp: 'amber+strict',
  pap: null,
  source: 'partner:x',
  revoked: true,
  label: 'Bädware "x"\n',
  object: '{"name":"Bädware \\"x\\"\\n","type":"malware","ü":[1,2.5,null,true]}',
  sha256: 'a'.repeat(64),
  ...over,
});

describe('object versions through SQL (a server, or what COPY cannot encode)', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it('stores documents with and without line breaks in their text, and reports only what it inserted', async () => {
    const repo = createIntelRepository();
    const a = row({ object: '{"type":"malware","name":"a"}' });
    const b = row({ object: '{\n  "type": "malware",\n  "name": "b\\nc"\n}' });
    const inserted = await database.db.transaction().execute(async (tx) => {
      await repo.insertObjects(tx, [a], null);
      return repo.insertObjects(tx, [a, b, row({ id: a.id, modified: '2024-06-01T00:00:00.000000Z' })], null);
    });
    expect(inserted.map((r) => `${r.id}@${r.modified}`).sort()).toEqual([`${a.id}@2024-06-01T00:00:00.000000Z`, `${b.id}@${b.modified}`].sort());
    const { rows } = await sql<{ key: string; object: unknown }>`select id || '@' || to_char(modified at time zone 'UTC', 'MM') as key, object from stix_objects where id = any(${[a.id, b.id]}::text[])`.execute(database.db);
    expect(Object.fromEntries(rows.map((r) => [r.key, r.object]))).toEqual({
      [`${a.id}@01`]: { type: 'malware', name: 'a' },
      [`${a.id}@06`]: { type: 'malware', name: 'Bädware "x"\n', ü: [1, 2.5, null, true] },
      [`${b.id}@01`]: { type: 'malware', name: 'b\nc' },
    });
  });
});

describe('binary COPY of an import (either engine)', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it('falls back (null) when a row has a time it cannot encode exactly', () => {
    expect(encodeObjects([row(), row({ created: '2024-01-01T00:00:00.1234567Z' })])).toBeNull();
    expect(encodeObjects([row({ modified: '2023-02-29T00:00:00.000000Z' })])).toBeNull();
    expect(encodeObservables([{ object_id: 'x', kind: 'ipv4', value: '10.0.0.1', net: '10.0.0.1/24', origin: 'pattern' }])).toBeNull();
  });

  it('stores exactly what the SQL path stores', async () => {
    const repo = createIntelRepository();
    const viaCopy = [row(), row({ pap: 'green', revoked: false, label: null, tlp: 'clear', modified: '0900-06-01T00:00:00.000001Z', created: '0900-06-01T00:00:00Z' })];
    const viaSql = viaCopy.map((r) => ({ ...r, id: r.id.replace('malware--', 'malware--0') }));
    const obs = (ids: string[]): ObservableRow[] => [
      { object_id: ids[0]!, kind: 'ipv4', value: '198.51.100.7', net: '198.51.100.7/32', origin: 'pattern' },
      { object_id: ids[0]!, kind: 'ipv4', value: '198.51.100.0/24', net: '198.51.100.0/24', origin: 'pattern' },
      { object_id: ids[1]!, kind: 'ipv6', value: '2001:db8::/32', net: '2001:db8::/32', origin: 'sco' },
      { object_id: ids[1]!, kind: 'ipv6', value: '::ffff:192.0.2.1', net: '::ffff:192.0.2.1/128', origin: 'sco' },
      { object_id: ids[1]!, kind: 'domain', value: 'x.example', net: null, origin: 'sco' },
    ];
    await database.db.transaction().execute(async (tx) => {
      const copy = txCopy(tx, embeddedPglite(database.db));
      await copy('stix_objects', OBJECT_COLUMNS, encodeObjects(viaCopy)!);
      await copy('intel_observables', OBSERVABLE_COLUMNS, encodeObservables(obs(viaCopy.map((r) => r.id)))!);
      await repo.insertObjects(tx, viaSql, null);
      await repo.replaceObservables(tx, [], obs(viaSql.map((r) => r.id)), null);
    });
    const read = async (ids: string[]) => {
      const { rows } = await sql<Record<string, unknown>>`
        select o.modified::text, o.created::text, o.type, o.spec_version, o.date_added::text, o.tlp, o.pap, o.source, o.revoked, o.label, o.object, o.sha256,
               (select json_agg(json_build_array(kind, value, net::text, origin) order by kind, value) from intel_observables where object_id = o.id) as obs
          from stix_objects o where o.id = any(${ids}::text[]) order by o.modified`.execute(database.db);
      return rows;
    };
    const copied = await read(viaCopy.map((r) => r.id));
    expect(copied).toHaveLength(2);
    expect(copied).toEqual(await read(viaSql.map((r) => r.id)));
  });
});
