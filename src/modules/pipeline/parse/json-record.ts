import type { EventValue, HarmonizedEvent } from '../pipeline.types.ts';
import type { FieldSpecConfig } from './config.schema.ts';
import type { EventFactory, FieldProblem } from './event.ts';
import { FIELD_TYPES, isExtraField } from './fields.ts';
import { Invalid } from './invalid.ts';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Flattens an IntelMQ event to dotted keys. IntelMQ writes flat keys (`"source.ip"`) or, with
 * hierarchical output, nested objects (`{"source": {"ip": ...}}`); older versions write `extra`
 * as a JSON string. An `extra.<name>` value stays as given (it may be an object).
 */
export function flattenEvent(obj: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const k in obj) {
    const key = prefix === '' ? k : prefix + k;
    const raw = obj[k];
    let v = raw;
    if (key === 'extra' && typeof v === 'string') {
      try {
        v = JSON.parse(v);
      } catch {
        /* not JSON: kept as extra.value below */
      }
      if (!isPlainObject(v)) v = { value: raw };
    }
    if (isPlainObject(v) && !FIELD_TYPES.has(key) && !isExtraField(key)) flattenEvent(v, `${key}.`, out);
    else out[key] = v;
  }
  return out;
}

/** The value at a dotted path: the flat key itself, else a walk through nested objects. */
export function valueAt(obj: Record<string, unknown>, path: string): unknown {
  if (path in obj) return obj[path];
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** A compiled mapping entry: source path -> field, with the optional value map and default. */
export type CompiledSpec = { path: string; field: string; map: Map<string, string> | null; fallback: string | undefined; lenient: boolean };

/** Compiles a mapping (path -> spec or specs) once per parser. */
export function compileMapping(mapping: Record<string, FieldSpecConfig | FieldSpecConfig[]>): CompiledSpec[] {
  const out: CompiledSpec[] = [];
  for (const [path, value] of Object.entries(mapping)) {
    for (const s of Array.isArray(value) ? value : [value]) {
      const spec = typeof s === 'string' ? { field: s, map: undefined, default: undefined, onInvalid: 'error' } : s;
      const map = spec.map ? new Map(Object.entries(spec.map).flatMap(([k, v]) => [[k, v], [k.trim().toLowerCase(), v]])) : null;
      out.push({ path, field: spec.field, map, fallback: spec.default, lenient: spec.onInvalid === 'skip' });
    }
  }
  return out;
}

function mapped(spec: CompiledSpec, raw: unknown): unknown {
  let v = raw;
  if (spec.map !== null && (typeof v === 'string' || typeof v === 'number')) {
    const s = String(v);
    v = spec.map.get(s) ?? spec.map.get(s.trim().toLowerCase()) ?? spec.fallback ?? v;
  }
  return v === undefined || v === null || v === '' ? spec.fallback : v;
}

/** Sets a validated value; returns the problem when the value is not valid for the field. */
export function setField(ev: HarmonizedEvent, events: EventFactory, field: string, value: unknown): FieldProblem | null {
  if (value === undefined || value === null || value === '') return null;
  const validate = events.validator(field);
  if (validate === null) return { field, code: 'field.unknown', message: 'not a field' };
  const v = validate(value);
  if (v instanceof Invalid) return { field, code: v.code, message: v.message };
  ev[field] = v as EventValue;
  return null;
}

/**
 * Builds a harmonized event from a JSON record: mapped paths first, then (per `unmapped`) the
 * record's other keys as fields (IntelMQ names) or as `extra.<key>`.
 */
export function eventFromRecord(
  record: Record<string, unknown>,
  specs: CompiledSpec[],
  unmapped: 'ignore' | 'extra' | 'fields',
  events: EventFactory,
): { ok: true; event: HarmonizedEvent } | { ok: false; problem: FieldProblem } {
  const ev: HarmonizedEvent = {};
  const used = specs.length === 0 ? null : new Set<string>();
  for (const spec of specs) {
    used?.add(spec.path);
    const value = mapped(spec, valueAt(record, spec.path));
    const problem = setField(ev, events, spec.field, value);
    if (problem !== null && spec.lenient) ev[`extra.invalid.${spec.field}`] = value as EventValue;
    else if (problem !== null) return { ok: false, problem };
  }
  if (unmapped === 'ignore') return { ok: true, event: ev };
  const flat = flattenEvent(record);
  for (const key in flat) {
    const value = flat[key];
    if (used?.has(key) || ev[key] !== undefined) continue;
    const field = unmapped === 'fields' && (FIELD_TYPES.has(key) || isExtraField(key)) ? key : `extra.${key}`;
    const problem = setField(ev, events, field, value);
    if (problem !== null) return { ok: false, problem };
  }
  return { ok: true, event: ev };
}
