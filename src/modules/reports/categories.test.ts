import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, CATEGORY_KEYS, isCategory } from './categories.ts';

type MachineTag = { predicates: { value: string }[]; values: { predicate: string; entry: { value: string }[] }[] };
const rsit = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../platform/rsit.machinetag.json'), 'utf8')) as MachineTag;

describe('report categories', () => {
  it('maps every plain-word category to a taxonomy/type pair that exists in the shipped RSIT file', () => {
    const predicates = new Set(rsit.predicates.map((p) => p.value));
    for (const key of CATEGORY_KEYS) {
      const { taxonomy, type } = CATEGORIES[key];
      expect(predicates.has(taxonomy), `${key}: taxonomy ${taxonomy}`).toBe(true);
      const types = rsit.values.find((v) => v.predicate === taxonomy)?.entry.map((e) => e.value) ?? [];
      expect(types, `${key}: ${taxonomy}/${type}`).toContain(type);
    }
  });

  it('offers the nine categories of the public form', () => {
    expect(CATEGORY_KEYS).toEqual(['phishing', 'fraud', 'malware', 'account_takeover', 'data_leak', 'ddos', 'vulnerable_system', 'child_abuse', 'other']);
  });

  it('files child abuse under abusive-content/violence, the class RSIT describes as child sexual exploitation', () => {
    const entry = rsit.values.find((v) => v.predicate === 'abusive-content')?.entry.find((e) => e.value === 'violence') as { description?: string } | undefined;
    expect(entry?.description).toMatch(/Child Sexual Exploitation/);
    expect(CATEGORIES.child_abuse).toMatchObject({ taxonomy: 'abusive-content', type: 'violence' });
  });

  it('knows its keys and nothing inherited', () => {
    expect(isCategory('ddos')).toBe(true);
    expect(isCategory('toString')).toBe(false);
    expect(isCategory('spam')).toBe(false);
  });
});
