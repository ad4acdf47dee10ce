/**
 * Rewrites of the OASIS STIX 2.1 schemas that accept and reject exactly the same documents, made
 * when they are loaded because the original form is slow to validate.
 *
 * `anyOf` of bare types. The custom-property rule (common/properties.json, applied to every property
 * of every object) and dictionaries say "an array of at least one item, a string, an integer, a
 * boolean, a number or an object" as an `anyOf` of six `{ "type": ... }` branches. ajv evaluates
 * every branch (the 2020-12 vocabulary tracks evaluated properties) and builds an error object for
 * each branch a value fails: four per property of every object, ~40% of a bundle's validation time.
 * `{ "type": [...], "minItems": 1 }` says the same thing: a value matches a `type` list when it
 * matches one of its types, and `minItems` constrains arrays only.
 */
type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The single-keyword form of an `anyOf` whose branches each only name a type (arrays may add `minItems`), else null. */
export function typeListOf(anyOf: unknown): Node | null {
  if (!Array.isArray(anyOf) || !anyOf.length) return null;
  const types: string[] = [];
  let minItems: unknown;
  for (const b of anyOf) {
    if (!isNode(b) || typeof b.type !== 'string') return null;
    const keys = Object.keys(b);
    if (keys.some((k) => k !== 'type' && k !== 'minItems')) return null;
    if ('minItems' in b) {
      // minItems on a non-array branch, or two array branches with their own bounds: not a type list.
      if (b.type !== 'array' || minItems !== undefined) return null;
      minItems = b.minItems;
    } else if (b.type === 'array' && anyOf.some((o) => o !== b && isNode(o) && o.type === 'array')) return null;
    types.push(b.type);
  }
  return minItems === undefined ? { type: types } : { type: types, minItems };
}

/** A copy of `schema` with every `anyOf` of bare types that stands alone in its node as a type list. */
export function rewriteSchema<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map((s) => rewriteSchema(s)) as T;
  if (!isNode(schema)) return schema;
  const out: Node = {};
  for (const [k, v] of Object.entries(schema)) out[k] = rewriteSchema(v);
  if (Object.keys(out).length === 1 && 'anyOf' in out) return (typeListOf(out.anyOf) ?? out) as T;
  return out as T;
}
