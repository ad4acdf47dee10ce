import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors.ts';
import type { HarmonizedEvent, OrgInfo } from '../pipeline.types.ts';
import { compileCondition } from './conditions.ts';
import { compileRules, feedRuleList } from './rules.ts';
import { parseFeedRules } from './rules.schemas.ts';
import { Condition, type ConditionT } from './rules.schemas.ts';

const cii: OrgInfo = { id: 'o1', name: 'Grid', sector: 'energy', isCii: true, ciiCategory: 'significant', centerIds: [], contacts: [] };
const test = (c: unknown, e: HarmonizedEvent, org: OrgInfo | null = null) => compileCondition(Condition.parse(c))(e, org);
const issuesOf = (input: unknown) => {
  try {
    parseFeedRules(input);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('pipeline.rules_invalid');
    return ((err as AppError).details as { issues: { path: string; message: string }[] }).issues;
  }
  throw new Error('expected the rules to be rejected');
};

describe('conditions', () => {
  const ev = { 'source.ip': '198.18.4.9', 'source.port': 443, 'source.fqdn': 'www.Grid.example', 'classification.type': 'scanner', 'extra.tag': 'mirai' };

  it('eq compares values and their text across types', () => {
    expect(test({ op: 'eq', field: 'source.port', value: 443 }, ev)).toBe(true);
    expect(test({ op: 'eq', field: 'source.port', value: '443' }, ev)).toBe(true);
    expect(test({ op: 'eq', field: 'source.port', value: 80 }, ev)).toBe(false);
    expect(test({ op: 'eq', field: 'missing.field', value: '' }, ev)).toBe(false);
  });

  it('in tests membership of a set', () => {
    expect(test({ op: 'in', field: 'classification.type', values: ['scanner', 'brute-force'] }, ev)).toBe(true);
    expect(test({ op: 'in', field: 'source.port', values: [80, 443] }, ev)).toBe(true);
    expect(test({ op: 'in', field: 'classification.type', values: ['spam'] }, ev)).toBe(false);
  });

  it('exists treats empty strings as missing', () => {
    expect(test({ op: 'exists', field: 'source.fqdn' }, ev)).toBe(true);
    expect(test({ op: 'exists', field: 'source.url' }, ev)).toBe(false);
    expect(test({ op: 'exists', field: 'source.url', value: false }, { 'source.url': '' })).toBe(true);
  });

  it('regex matches with optional case folding', () => {
    expect(test({ op: 'regex', field: 'source.fqdn', pattern: '^www\\.grid' }, ev)).toBe(false);
    expect(test({ op: 'regex', field: 'source.fqdn', pattern: '^www\\.grid', ignoreCase: true }, ev)).toBe(true);
  });

  it('cidr matches IPv4, IPv6 and IPv4-mapped addresses, and nothing that is not an address', () => {
    const c = { op: 'cidr', field: 'source.ip', prefixes: ['198.18.0.0/15', '2001:db8::/32', '10.1.2.3/8'] };
    expect(test(c, ev)).toBe(true);
    expect(test(c, { 'source.ip': '2001:db8:1::5' })).toBe(true);
    expect(test(c, { 'source.ip': '::ffff:198.19.0.1' })).toBe(true);
    expect(test(c, { 'source.ip': '10.200.0.1' })).toBe(true);
    expect(test(c, { 'source.ip': '198.20.0.1' })).toBe(false);
    expect(test(c, { 'source.ip': 'not-an-ip' })).toBe(false);
  });

  it('range accepts numbers and numeric text within bounds', () => {
    expect(test({ op: 'range', field: 'source.port', min: 1, max: 1024 }, ev)).toBe(true);
    expect(test({ op: 'range', field: 'source.port', min: 1024 }, ev)).toBe(false);
    expect(test({ op: 'range', field: 'source.port', max: 500 }, { 'source.port': '22' })).toBe(true);
    expect(test({ op: 'range', field: 'source.port', max: 500 }, { 'source.port': 'x' })).toBe(false);
  });

  it('suffix matches a domain and its subdomains only', () => {
    const c = { op: 'suffix', field: 'source.fqdn', suffixes: ['grid.example'] };
    expect(test(c, ev)).toBe(true);
    expect(test(c, { 'source.fqdn': 'grid.example' })).toBe(true);
    expect(test(c, { 'source.fqdn': 'evilgrid.example' })).toBe(false);
  });

  it('reads the enrichment result and combines with all / any / not', () => {
    const c: ConditionT = {
      op: 'all',
      of: [
        { op: 'eq', field: 'organization.isCii', value: true },
        { op: 'any', of: [{ op: 'eq', field: 'organization.sector', value: 'energy' }, { op: 'eq', field: 'organization.sector', value: 'health' }] },
        { op: 'not', of: { op: 'eq', field: 'classification.type', value: 'spam' } },
      ],
    };
    expect(test(c, ev, cii)).toBe(true);
    expect(test(c, ev, null)).toBe(false);
    expect(test({ op: 'eq', field: 'organization.found', value: false }, ev, null)).toBe(true);
  });
});

describe('rules', () => {
  it('drop, set (with the RSIT taxonomy), map through a table and set TLP', () => {
    const cfg = parseFeedRules({
      defaults: false,
      rules: [
        { id: 'drop-spam', when: { op: 'eq', field: 'classification.type', value: 'spam' }, then: [{ action: 'drop' }] },
        { id: 'tag', then: [{ action: 'map', from: 'extra.tag', to: 'classification.type', table: { MIRAI: 'infected-system' }, default: 'undetermined' }] },
        { id: 'tlp', when: { op: 'eq', field: 'classification.type', value: 'infected-system' }, then: [{ action: 'tlp', value: 'amber' }, { action: 'set', field: 'extra.checked', value: true }] },
      ],
    });
    const { before, after } = compileRules(feedRuleList(cfg));
    expect(after).toHaveLength(0);
    const run = (e: HarmonizedEvent) => before.every((r) => r(e, null));
    const a: HarmonizedEvent = { 'extra.tag': 'mirai', 'classification.type': 'scanner' };
    expect(run(a)).toBe(true);
    expect(a).toMatchObject({ 'classification.type': 'infected-system', 'classification.taxonomy': 'malicious-code', tlp: 'AMBER', 'extra.checked': true });
    const b: HarmonizedEvent = { 'extra.tag': 'other' };
    expect(run(b)).toBe(true);
    expect(b['classification.type']).toBe('undetermined');
    expect(run({ 'classification.type': 'spam' })).toBe(false);
  });

  it('puts rules that read organization.* after enrichment', () => {
    const cfg = parseFeedRules({ defaults: false, rules: [{ id: 'cii-red', when: { op: 'eq', field: 'organization.isCii', value: true }, then: [{ action: 'tlp', value: 'RED' }] }] });
    const { before, after } = compileRules(feedRuleList(cfg));
    expect(before).toHaveLength(0);
    const e: HarmonizedEvent = {};
    after[0]!(e, cii);
    expect(e.tlp).toBe('RED');
  });

  it('the default rules drop non-public sources but keep the demo and documentation ranges', () => {
    const { before } = compileRules(feedRuleList(parseFeedRules({})));
    const kept = (ip: string) => before.every((r) => r({ 'source.ip': ip }, null));
    for (const ip of ['10.1.2.3', '192.168.0.1', '172.20.0.1', '100.64.1.1', '127.0.0.1', '169.254.1.1', '224.0.0.5', '255.255.255.255', '0.1.2.3', '::1', 'fe80::1', 'fd00::1', 'ff02::1', '::', '::ffff:10.0.0.1']) {
      expect(kept(ip), ip).toBe(false);
    }
    for (const ip of ['198.18.0.1', '198.19.255.1', '2001:db8::1', '192.0.2.1', '203.0.113.9', '8.8.8.8', '2a00:1450::1']) expect(kept(ip), ip).toBe(true);
    expect(before.every((r) => r({ 'source.fqdn': 'x.example' }, null))).toBe(true);
  });

  it('reports the exact path of a bad element', () => {
    expect(issuesOf({ rules: [{ id: 'ok', then: [{ action: 'drop' }] }, { id: 'bad', when: { op: 'cidr', field: 'source.ip', prefixes: ['10.0.0.0/8', '10.0.0.0/33'] }, then: [{ action: 'drop' }] }] })).toEqual([
      { path: 'rules.1.when.prefixes.1', message: expect.stringContaining('CIDR') },
    ]);
    expect(issuesOf({ rules: [{ id: 'r', when: { op: 'all', of: [{ op: 'like', field: 'x' }] }, then: [{ action: 'drop' }] }] })[0]!.path).toBe('rules.0.when.of.0.op');
    expect(issuesOf({ rules: [{ id: 'r', when: { op: 'regex', field: 'source.fqdn', pattern: '(' }, then: [{ action: 'drop' }] }] })[0]!.path).toBe('rules.0.when.pattern');
    expect(issuesOf({ rules: [{ id: 'r', then: [{ action: 'map', from: 'extra.tag', to: 'classification.type', table: { a: 'not-a-type' } }] }] })[0]!.path).toBe('rules.0.then.0.table.a');
    expect(issuesOf({ rules: [{ id: 'r', then: [{ action: 'set', field: 'organization.sector', value: 'x' }] }] })[0]!.path).toBe('rules.0.then.0.field');
    expect(issuesOf({ rules: [{ id: 'r', when: { op: 'eq', field: 'organization.secret', value: 1 }, then: [{ action: 'drop' }] }] })[0]!.path).toBe('rules.0.when.field');
    expect(issuesOf({ rules: [{ id: 'r', then: [{ action: 'tlp', value: 'PURPLE' }] }] })[0]!.path).toBe('rules.0.then.0.value');
  });
});
