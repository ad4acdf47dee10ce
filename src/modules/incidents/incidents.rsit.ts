import { createRequire } from 'node:module';

// The ENISA RSIT taxonomy (MISP machinetag file, CC0), shipped with Vigil. IntelMQ spellings and
// extra types are accepted as aliases, as STANDARDS.md asks.
const require = createRequire(import.meta.url);
const file = require('./rsit.machinetag.json') as { values: { predicate: string; entry: { value: string }[] }[] };

const TYPES = new Map<string, Set<string>>(file.values.map((v) => [v.predicate, new Set(v.entry.map((e) => e.value))]));

const ALIASES: Record<string, [string, string]> = {
  'unauthorized-use-of-resources': ['fraud', 'unauthorised-use-of-resources'],
  blacklist: ['other', 'other'],
  'dga-domain': ['malicious-code', 'c2-server'],
  malware: ['malicious-code', 'infected-system'],
  proxy: ['vulnerable', 'potentially-unwanted-accessible'],
  tor: ['other', 'other'],
};

/** Normalizes an RSIT class/type pair; returns null when it is not in the taxonomy. */
export function normalizeRsit(taxonomy: string, type: string): { taxonomy: string; type: string } | null {
  const t = taxonomy.trim().toLowerCase();
  const y = type.trim().toLowerCase();
  if (TYPES.get(t)?.has(y)) return { taxonomy: t, type: y };
  const alias = ALIASES[y];
  if (alias) return { taxonomy: alias[0], type: alias[1] };
  return null;
}

export function rsitTaxonomies(): string[] {
  return [...TYPES.keys()];
}
