/**
 * The ENISA Reference Security Incident Taxonomy (RSIT), from the MISP machine-tag file (CC0)
 * shipped next to this module: `classification.taxonomy` / `classification.type`. IntelMQ's
 * spelling of one type and its extra types are accepted as aliases and normalized to RSIT types
 * (STANDARDS.md). Every module that classifies (incidents, reports, pipeline) uses this one table.
 */
import { createRequire } from 'node:module';

type MachineTag = { values: { predicate: string; entry: { value: string }[] }[] };
const require = createRequire(import.meta.url);
const file = require('./rsit.machinetag.json') as MachineTag;

/** type -> taxonomy; RSIT type values are unique across taxonomies. */
const TAXONOMY_OF = new Map<string, string>();
for (const v of file.values) for (const e of v.entry) TAXONOMY_OF.set(e.value, v.predicate);
const TAXONOMIES = file.values.map((v) => v.predicate);

const ALIASES: Readonly<Record<string, string>> = {
  'unauthorized-use-of-resources': 'unauthorised-use-of-resources',
  blacklist: 'other',
  'dga-domain': 'c2-server',
  malware: 'infected-system',
  proxy: 'potentially-unwanted-accessible',
  tor: 'other',
};

/** The RSIT type for a type or IntelMQ alias (case-insensitive), or null when it is neither. */
export function rsitType(input: string): string | null {
  if (TAXONOMY_OF.has(input)) return input;
  const t = input.trim().toLowerCase();
  if (TAXONOMY_OF.has(t)) return t;
  return ALIASES[t] ?? null;
}

/** The taxonomy a type (or alias) belongs to, or undefined for an unknown type. */
export function taxonomyOf(type: string): string | undefined {
  const t = rsitType(type);
  return t === null ? undefined : TAXONOMY_OF.get(t);
}

/** True when `input` names an RSIT taxonomy. */
export function isRsitTaxonomy(input: string): boolean {
  return TAXONOMIES.includes(input.trim().toLowerCase());
}

/**
 * Resolves a classification: the type (or alias) decides the taxonomy; a missing type is
 * `undetermined`. Null when the type is not in RSIT or a given taxonomy is not one.
 */
export function classify(taxonomy: string | undefined, type: string | undefined): { taxonomy: string; type: string } | null {
  const y = type === undefined || type === '' ? 'undetermined' : rsitType(type);
  if (y === null) return null;
  if (taxonomy !== undefined && taxonomy !== '' && !isRsitTaxonomy(taxonomy)) return null;
  return { taxonomy: TAXONOMY_OF.get(y) as string, type: y };
}

/**
 * Normalizes a class/type pair given together (an incident's): the type must belong to the class,
 * except for an alias, which carries its own class. Null when the pair is not in the taxonomy.
 */
export function normalizeRsit(taxonomy: string, type: string): { taxonomy: string; type: string } | null {
  const t = taxonomy.trim().toLowerCase();
  const y = type.trim().toLowerCase();
  if (TAXONOMY_OF.get(y) === t) return { taxonomy: t, type: y };
  const alias = ALIASES[y];
  return alias === undefined ? null : { taxonomy: TAXONOMY_OF.get(alias) as string, type: alias };
}

/** Every RSIT taxonomy (class). */
export function rsitTaxonomies(): string[] {
  return [...TAXONOMIES];
}

/** Every accepted classification.type: the RSIT types and the IntelMQ aliases. */
export const RSIT_TYPES: readonly string[] = [...TAXONOMY_OF.keys(), ...Object.keys(ALIASES)];
