import { deterministicId } from './stix.ids.ts';
import { firstError, validatorFor } from './stix.schemas.ts';
import { isKnownType, isScoLike, refTargets, SCO_TYPES, typeAllowed, typeOfId } from './stix.types.ts';

export type StixObject = Record<string, unknown> & { type: string; id: string };
export type Rejection = { id: string | null; code: string; reason: string };
export type Validated = { ok: true; object: StixObject; isCustom: boolean } | ({ ok: false } & Rejection);

const TYPE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*-?$/;
const IDENTIFIER = /^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;

const reject = (id: unknown, code: string, reason: string): Validated => ({ ok: false, id: typeof id === 'string' ? id : null, code, reason });

/** A STIX timestamp as a string that sorts in time order (fraction padded to nanoseconds). */
export function sortableTime(ts: string): string {
  const m = /^(.{19})(?:\.(\d+))?Z$/.exec(ts);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}` : ts;
}

// A custom type is kept when it says what it is: the deprecated `x-` prefix or a new-* extension.
function isDeclaredCustom(obj: Record<string, unknown>): boolean {
  if (obj.type && String(obj.type).startsWith('x-')) return true;
  const ext = obj.extensions;
  if (!ext || typeof ext !== 'object') return false;
  return Object.entries(ext as Record<string, unknown>).some(
    ([k, e]) => k.startsWith('extension-definition--') && /^new-s[dcr]o$/.test(String((e as { extension_type?: unknown } | null)?.extension_type)),
  );
}

function refProblem(obj: StixObject): string | null {
  const refs: [string, unknown][] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (k.endsWith('_ref')) refs.push([k, v]);
    else if (k.endsWith('_refs') && Array.isArray(v)) for (const x of v) refs.push([k, x]);
  }
  if (Array.isArray(obj.granular_markings)) for (const g of obj.granular_markings) refs.push(['object_marking_refs', (g as { marking_ref?: unknown } | null)?.marking_ref]);
  for (const [prop, ref] of refs) {
    if (typeof ref !== 'string' || !IDENTIFIER.test(ref)) return `${prop}: "${String(ref)}" is not a STIX identifier`;
    const allowed = refTargets(obj.type, prop);
    if (allowed && !typeAllowed(typeOfId(ref), allowed)) return `${prop}: ${ref} must reference ${allowed.join(' or ')}`;
  }
  return null;
}

/** Checks a schema cannot make: spec_version 2.1, id prefix = type, modified >= created, reference targets. */
function extraChecks(obj: StixObject, isSco: boolean): Validated | null {
  const sv = obj.spec_version;
  if (sv !== '2.1' && !(isSco && sv === undefined)) return reject(obj.id, 'stix.spec_version', `spec_version must be "2.1" (got ${JSON.stringify(sv)})`);
  if (typeOfId(obj.id) !== obj.type) return reject(obj.id, 'stix.id_type_mismatch', `id ${obj.id} does not start with its type "${obj.type}--"`);
  if (typeof obj.created === 'string' && typeof obj.modified === 'string' && sortableTime(obj.modified) < sortableTime(obj.created)) {
    return reject(obj.id, 'stix.modified_before_created', `modified ${obj.modified} is before created ${obj.created}`);
  }
  for (const f of ['created', 'modified'] as const) {
    if (typeof obj[f] === 'string' && Number.isNaN(Date.parse(obj[f]))) return reject(obj.id, 'stix.schema', `/${f}: ${obj[f]} is not a real time`);
  }
  const problem = refProblem(obj);
  return problem ? reject(obj.id, 'stix.ref_type', problem) : null;
}

/**
 * Validates one STIX 2.1 object against its type's OASIS JSON schema (draft 2020-12) and the checks a
 * schema cannot make. A cyber observable gets its deterministic id (STIX 2.1 section 2.9) whether it
 * came without one or with another; the returned object is the one to store. Unknown types are kept
 * as custom objects when well-formed (common properties valid, `x-` type or a new-sdo/sco/sro
 * extension), else rejected with `stix.unknown_type`.
 */
export function validateObject(raw: unknown, opts: { idsAssigned?: boolean } = {}): Validated {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return reject(null, 'stix.invalid_object', 'a STIX object must be a JSON object');
  const input = raw as Record<string, unknown>;
  if (typeof input.type !== 'string' || input.type.length < 3 || input.type.length > 250 || !TYPE_NAME.test(input.type)) {
    return reject(input.id, 'stix.invalid_object', `type ${JSON.stringify(input.type)} is not a STIX type name`);
  }
  if (input.type === 'bundle') return reject(input.id, 'stix.invalid_object', 'a bundle cannot be nested in a bundle');
  // `idsAssigned`: the caller (checkBundle) already gave every cyber observable its deterministic id.
  const obj = (opts.idsAssigned ? input : withDeterministicId(input)) as Record<string, unknown> & { type: string };
  if (typeof obj.id !== 'string') return reject(null, 'stix.missing_id', `${obj.type} without an id (and none can be derived from its properties)`);
  const isCustom = !isKnownType(obj.type);
  if (isCustom && !isDeclaredCustom(obj)) {
    return reject(obj.id, 'stix.unknown_type', `unknown type "${obj.type}": a custom object needs an "x-" type or a new-sdo/new-sco/new-sro extension-definition`);
  }
  const scoLike = isScoLike(obj);
  const validate = validatorFor(obj.type, scoLike);
  const valid: boolean = validate(obj);
  if (!valid) return reject(obj.id, isCustom ? 'stix.unknown_type' : 'stix.schema', isCustom ? `custom object "${obj.type}" is not well-formed: ${firstError(validate)}` : firstError(validate));
  return extraChecks(obj as StixObject, scoLike) ?? { ok: true, object: obj as StixObject, isCustom };
}

/** The object with its deterministic id when it is a cyber observable with contributing properties. */
export function withDeterministicId(input: Record<string, unknown>): Record<string, unknown> {
  if (!SCO_TYPES.has(String(input.type))) return input;
  const id = deterministicId(input);
  return id && id !== input.id ? { ...input, id } : input;
}
