import { createRequire } from 'node:module';

// The ENISA RSIT vocabulary (MISP machinetag file, CC0). A copy of the file the incidents module
// ships: modules import each other only through index.ts, and this one is data, not code.
const require = createRequire(import.meta.url);
const file = require('./rsit.machinetag.json') as { values: { predicate: string; entry: { value: string }[] }[] };

/** type -> taxonomy; RSIT type values are unique across taxonomies. */
const TAXONOMY_OF = new Map<string, string>();
for (const v of file.values) for (const e of v.entry) TAXONOMY_OF.set(e.value, v.predicate);
const TAXONOMIES = new Set(file.values.map((v) => v.predicate));

// IntelMQ's spelling of one type and its extra types (STANDARDS.md: accept them as aliases).
const ALIASES: Record<string, string> = {
  'unauthorized-use-of-resources': 'unauthorised-use-of-resources',
  blacklist: 'other',
  'dga-domain': 'c2-server',
  malware: 'infected-system',
  proxy: 'potentially-unwanted-accessible',
  tor: 'other',
};

/** The RSIT type for a type or IntelMQ alias (case-insensitive), or null. */
export function rsitType(input: string): string | null {
  if (TAXONOMY_OF.has(input)) return input;
  const t = input.trim().toLowerCase();
  if (TAXONOMY_OF.has(t)) return t;
  return ALIASES[t] ?? null;
}

/** True when `input` names an RSIT taxonomy (classification.taxonomy). */
export function isRsitTaxonomy(input: string): boolean {
  return TAXONOMIES.has(input.trim().toLowerCase());
}

/**
 * Resolves a classification: the type (or alias) decides the taxonomy. A missing type is
 * `undetermined`. Returns null when the type is not in RSIT, or when a given taxonomy is not one.
 */
export function classify(taxonomy: string | undefined, type: string | undefined): { taxonomy: string; type: string } | null {
  const y = type === undefined || type === '' ? 'undetermined' : rsitType(type);
  if (y === null) return null;
  if (taxonomy !== undefined && taxonomy !== '' && !isRsitTaxonomy(taxonomy)) return null;
  return { taxonomy: TAXONOMY_OF.get(y) as string, type: y };
}

/** Every RSIT type plus the accepted aliases (for config validation messages). */
export function rsitTypeNames(): string[] {
  return [...TAXONOMY_OF.keys(), ...Object.keys(ALIASES)];
}
