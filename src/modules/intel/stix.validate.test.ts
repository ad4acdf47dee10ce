import { describe, expect, it } from 'vitest';
import { bundle, identity, indicator, malware, relationship, T0 } from './intel.testing.ts';
import { deterministicId } from './stix.ids.ts';
import { validateObject } from './stix.validate.ts';
import { checkBundle } from './stix.bundle.ts';

const code = (o: unknown) => {
  const v = validateObject(o);
  return v.ok ? 'ok' : v.code;
};

describe('STIX 2.1 validation with the OASIS schemas', () => {
  it('accepts valid SDOs, SROs and SCOs', () => {
    const m = malware();
    expect(code(indicator("[ipv4-addr:value = '198.51.100.1']"))).toBe('ok');
    expect(code(m)).toBe('ok');
    expect(code(relationship(`indicator--${crypto.randomUUID()}`, m.id as string))).toBe('ok');
    expect(code({ type: 'domain-name', spec_version: '2.1', value: 'bad.example' })).toBe('ok');
  });

  it('rejects what the schema rejects, with the property at fault', () => {
    const v = validateObject(indicator("[ipv4-addr:value = '1.2.3.4']", { pattern_type: undefined }));
    expect(v).toMatchObject({ ok: false, code: 'stix.schema' });
    expect(validateObject(indicator('x', { confidence: 101 }))).toMatchObject({ ok: false, code: 'stix.schema', reason: expect.stringContaining('/confidence') });
    expect(code({ type: 'ipv4-addr', value: '300.1.1.1' })).toBe('stix.schema');
    expect(code(indicator('x', { created: '2024-01-02T03:04:05Z' }))).toBe('stix.schema'); // created needs milliseconds
  });

  it('makes the checks a schema cannot make', () => {
    expect(code(indicator('x', { modified: '2024-01-01T00:00:00.000Z' }))).toBe('stix.modified_before_created');
    expect(code(indicator('x', { modified: '2024-01-02T03:04:05.0001Z' }))).toBe('ok');
    expect(code(indicator('x', { id: `malware--${crypto.randomUUID()}` }))).toBe('stix.schema'); // the schema checks known types
    const custom = { type: 'x-acme-widget', spec_version: '2.1', id: `x-other--${crypto.randomUUID()}`, created: T0, modified: T0 };
    expect(code(custom)).toBe('stix.id_type_mismatch');
    expect(code(indicator('x', { spec_version: '2.0' }))).toBe('stix.spec_version');
    expect(code(indicator('x', { created_by_ref: `malware--${crypto.randomUUID()}` }))).toBe('stix.ref_type');
    expect(code(indicator('x', { object_marking_refs: [`identity--${crypto.randomUUID()}`] }))).toBe('stix.ref_type');
    expect(code(relationship(`relationship--${crypto.randomUUID()}`, `malware--${crypto.randomUUID()}`))).not.toBe('ok');
    const sighting = (over: Record<string, unknown>) => ({ type: 'sighting', spec_version: '2.1', id: `sighting--${crypto.randomUUID()}`, created: T0, modified: T0, sighting_of_ref: `indicator--${crypto.randomUUID()}`, ...over });
    expect(code(sighting({}))).toBe('ok');
    expect(code(sighting({ sighting_of_ref: `ipv4-addr--${crypto.randomUUID()}` }))).toBe('stix.ref_type');
    expect(code(sighting({ where_sighted_refs: [`identity--${crypto.randomUUID()}`, `location--${crypto.randomUUID()}`] }))).toBe('ok');
    expect(code(sighting({ where_sighted_refs: [`malware--${crypto.randomUUID()}`] }))).not.toBe('ok');
    expect(code({ type: 'domain-name', value: 'a.example', resolves_to_refs: [`malware--${crypto.randomUUID()}`] })).toBe('stix.ref_type');
  });

  it('keeps well-formed custom objects and rejects unknown types with the reason', () => {
    const custom = { type: 'x-acme-widget', spec_version: '2.1', id: `x-acme-widget--${crypto.randomUUID()}`, created: T0, modified: T0, color: 'red' };
    expect(validateObject(custom)).toMatchObject({ ok: true, isCustom: true });
    const ext = `extension-definition--${crypto.randomUUID()}`;
    expect(code({ ...custom, type: 'acme-thing', id: `acme-thing--${crypto.randomUUID()}`, extensions: { [ext]: { extension_type: 'new-sdo' } } })).toBe('ok');
    expect(validateObject({ ...custom, type: 'acme-thing', id: `acme-thing--${crypto.randomUUID()}` })).toMatchObject({ ok: false, code: 'stix.unknown_type', reason: expect.stringContaining('acme-thing') });
    expect(code({ ...custom, created: 'yesterday' })).toBe('stix.unknown_type');
    expect(code({ type: 'Not A Type', id: 'x' })).toBe('stix.invalid_object');
    expect(code(['not', 'an', 'object'])).toBe('stix.invalid_object');
  });

  it('does not hang on a long extension key built to backtrack', () => {
    const key = `${'a'.repeat(40)}!`;
    const started = performance.now();
    expect(code(indicator('x', { extensions: { [key]: { a: 1 } } }))).toBe('stix.schema');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('deterministic SCO ids (STIX 2.1 section 2.9)', () => {
  it('matches the OASIS stix2 library fixtures', () => {
    const file = {
      type: 'file', name: 'example.exe', size: 68000, magic_number_hex: '50000000',
      hashes: { 'SHA-256': '841a8921140aba50671ebb0770fecc4ee308c4952cfeff8de154ab14eeef4649' },
      extensions: { 'windows-pebinary-ext': { pe_type: 'exe', machine_hex: '014c', sections: [{ name: '.data', size: 4096, entropy: 7.980693, hashes: { 'SHA-256': '6e3b6f3978e5cd96ba7abee35c24e867b7e64072e2ecb22d0ee7a6e6af6894d0' } }] } },
    };
    expect(deterministicId(file)).toBe('file--ced31cd4-bdcb-537d-aefa-92d291bfc11d');
    const key = { type: 'windows-registry-key', values: [{ name: 'Foo', data: 'qwerty' }, { name: 'Bar', data: '42' }] };
    expect(deterministicId(key)).toBe('windows-registry-key--36594eba-bcc7-5014-9835-0e154264e588');
  });

  it('uses only the contributing properties and one preferred hash', () => {
    const a = deterministicId({ type: 'email-addr', value: 'john@example.com', display_name: 'Johnny' });
    expect(a).toBe(deterministicId({ type: 'email-addr', value: 'john@example.com', display_name: 'Jane' }));
    expect(a).toMatch(/^email-addr--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab]/);
    const md5 = { MD5: 'd41d8cd98f00b204e9800998ecf8427e' };
    expect(deterministicId({ type: 'file', hashes: { ...md5, 'SHA-256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } })).toBe(deterministicId({ type: 'file', hashes: md5 }));
    expect(deterministicId({ type: 'process', pid: 1 })).toBeNull();
  });

  it('replaces missing or wrong SCO ids in a bundle and follows references to them', () => {
    const wrong = `ipv4-addr--${crypto.randomUUID()}`;
    const ip = { type: 'ipv4-addr', spec_version: '2.1', id: wrong, value: '198.51.100.7' };
    const od = { type: 'observed-data', spec_version: '2.1', id: `observed-data--${crypto.randomUUID()}`, created: T0, modified: T0, first_observed: T0, last_observed: T0, number_observed: 1, object_refs: [wrong] };
    const c = checkBundle(bundle([ip, od, { type: 'domain-name', value: 'x.example' }]).objects);
    const right = deterministicId(ip)!;
    expect(c.rejected).toEqual([]);
    expect(c.idChanges).toEqual([{ from: wrong, to: right }]);
    expect(c.valid.find((o) => o.type === 'observed-data')!.object_refs).toEqual([right]);
    expect(c.valid.find((o) => o.type === 'domain-name')!.id).toBe(deterministicId({ type: 'domain-name', value: 'x.example' }));
  });

  it('derives ids that depend on references after the referenced ids (a file in a directory)', () => {
    const wrongDir = `directory--${crypto.randomUUID()}`;
    const dir = { type: 'directory', spec_version: '2.1', id: wrongDir, path: '/tmp' };
    const file = { type: 'file', spec_version: '2.1', name: 'a.exe', parent_directory_ref: wrongDir };
    const c = checkBundle([file, dir]);
    const rightDir = deterministicId(dir)!;
    const stored = c.valid.find((o) => o.type === 'file')!;
    expect(c.rejected).toEqual([]);
    expect(stored.parent_directory_ref).toBe(rightDir);
    expect(stored.id).toBe(deterministicId({ ...file, parent_directory_ref: rightDir }));
    expect(stored.id).not.toBe(deterministicId(file));
    expect(c.idChanges).toEqual([{ from: wrongDir, to: rightDir }]);
  });

  it('reports each rejected object with its id and lets the rest through', () => {
    const good = identity();
    const c = checkBundle([good, indicator('x', { modified: '2000-01-01T00:00:00.000Z', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' }), 42, good]);
    expect(c.valid.map((o) => o.id)).toEqual([good.id]);
    expect(c.rejected).toEqual([
      { id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', code: 'stix.modified_before_created', reason: expect.any(String) },
      { id: null, code: 'stix.invalid_object', reason: expect.any(String) },
    ]);
    expect(c.duplicates).toHaveLength(1);
  });
});
