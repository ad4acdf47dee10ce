import { parseTlp, stricter, TLP_ORDER, TLP2_EXTENSION, TLP2_MARKING_IDS, tlpOfMarkingId, type Tlp } from '../intel/index.ts';
import type { Agreement } from '../sharing/index.ts';

export type InboundFailure = { id: string; version?: string | undefined; message: string; code: string };
export type Screened = { pass: Record<string, unknown>[]; failures: InboundFailure[]; clamped: { id: string; tlp: Tlp }[] };

const MARKING_ID = /^marking-definition--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The TLP level a marking-definition claims by its content (TLP 2.0 extension, TLP 1.0 definition, a `TLP:` name). */
function claimedTlp(md: Record<string, unknown>): Tlp | undefined {
  const ext = (md.extensions as Record<string, { tlp_2_0?: unknown }> | undefined)?.[TLP2_EXTENSION];
  const def = md.definition as Record<string, unknown> | undefined;
  const byType = md.definition_type === 'tlp' ? parseTlp(def?.tlp) ?? 'red' : undefined;
  return parseTlp(ext?.tlp_2_0) ?? byType ?? (typeof md.name === 'string' && /^tlp:/i.test(md.name) ? (parseTlp(md.name) ?? 'red') : undefined);
}

/** A marking definition that claims TLP without being the official object of that level. */
export function isForgedMarking(md: Record<string, unknown>): boolean {
  const claimed = claimedTlp(md);
  const official = tlpOfMarkingId(String(md.id));
  return official ? claimed !== undefined && claimed !== official : claimed !== undefined;
}

function markingRefs(o: Record<string, unknown>): unknown[] {
  const refs = Array.isArray(o.object_marking_refs) ? [...(o.object_marking_refs as unknown[])] : [];
  if (Array.isArray(o.granular_markings)) for (const g of o.granular_markings as { marking_ref?: unknown }[]) if (g && g.marking_ref !== undefined) refs.push(g.marking_ref);
  return refs;
}

/**
 * The rule for TLP markings a partner sends (applied before the store sees anything):
 * - a marking reference that is not `marking-definition--<uuid>` -> `marking.malformed`;
 * - a marking definition that claims a TLP level without being the official OASIS object of that
 *   level (or an official id whose content claims another level) -> `marking.forged`, for the
 *   definition and for every object that references it;
 * - a reference to a marking that is neither a standard TLP id, nor defined in the envelope, nor
 *   already stored -> `marking.unknown`;
 * - two different TLP levels on one object -> `marking.conflicting`;
 * - a level the inbound agreement does not list -> `agreement.tlp_not_allowed`; a type it does not
 *   list -> `agreement.object_type_not_allowed`;
 * - a version less restrictive than what Vigil already holds for that id (CLEAR on something it
 *   has as AMBER) -> `marking.downgrade`;
 * - an object without any TLP marking is clamped to the most restrictive level the agreement lists
 *   (its OASIS TLP 2.0 marking is added) and reported in the success message.
 */
export function screenInbound(objects: unknown[], agreement: Agreement, known: { storedTlp: ReadonlyMap<string, Tlp>; storedMarkings: ReadonlySet<string> }): Screened {
  const out: Screened = { pass: [], failures: [], clamped: [] };
  const records = objects.filter((o): o is Record<string, unknown> => !!o && typeof o === 'object' && !Array.isArray(o));
  const defined = new Set<string>();
  const forged = new Set<string>();
  for (const o of records) {
    if (o.type !== 'marking-definition' || typeof o.id !== 'string') continue;
    if (isForgedMarking(o)) forged.add(o.id);
    else defined.add(o.id);
  }
  const strictest = [...TLP_ORDER].reverse().find((t) => agreement.tlpLevels.includes(t)) ?? 'red';
  for (const o of objects) {
    const r = o as Record<string, unknown>;
    if (!r || typeof r !== 'object' || Array.isArray(r) || typeof r.id !== 'string' || typeof r.type !== 'string') {
      out.pass.push(r); // not an object at all: the store's validation rejects it with the reason
      continue;
    }
    const fail = (code: string, message: string) => out.failures.push({ id: r.id as string, version: typeof r.modified === 'string' ? r.modified : undefined, code, message: `${code}: ${message}` });
    if (r.type === 'marking-definition') {
      if (forged.has(r.id)) fail('marking.forged', 'claims a TLP level without being the official OASIS TLP marking');
      else out.pass.push(r);
      continue;
    }
    const verdict = screenOne(r, { agreement, defined, forged, known, strictest });
    if ('code' in verdict) fail(verdict.code, verdict.message);
    else {
      out.pass.push(verdict.object);
      if (verdict.clamped) out.clamped.push({ id: r.id, tlp: strictest });
    }
  }
  return out;
}

type Verdict = { code: string; message: string } | { object: Record<string, unknown>; clamped: boolean };

function screenOne(
  r: Record<string, unknown>,
  s: { agreement: Agreement; defined: ReadonlySet<string>; forged: ReadonlySet<string>; known: { storedTlp: ReadonlyMap<string, Tlp>; storedMarkings: ReadonlySet<string> }; strictest: Tlp },
): Verdict {
  let level: Tlp | undefined;
  for (const ref of markingRefs(r)) {
    if (typeof ref !== 'string' || !MARKING_ID.test(ref)) return { code: 'marking.malformed', message: `marking reference ${JSON.stringify(ref).slice(0, 100)} is not a marking-definition id` };
    if (s.forged.has(ref)) return { code: 'marking.forged', message: `${ref} is a forged TLP marking` };
    const tlp = tlpOfMarkingId(ref);
    if (tlp) {
      if (level && level !== tlp) return { code: 'marking.conflicting', message: `carries both TLP:${level.toUpperCase()} and TLP:${tlp.toUpperCase()}` };
      level = tlp;
    } else if (!s.defined.has(ref) && !s.known.storedMarkings.has(ref)) return { code: 'marking.unknown', message: `${ref} is not a known marking definition` };
  }
  if (s.agreement.objectTypes && !s.agreement.objectTypes.includes(String(r.type))) return { code: 'agreement.object_type_not_allowed', message: `type ${String(r.type)} is outside the agreement` };
  const effective = level ?? s.strictest;
  if (!s.agreement.tlpLevels.includes(effective)) return { code: 'agreement.tlp_not_allowed', message: `TLP:${effective.toUpperCase()} is outside the agreement` };
  const held = s.known.storedTlp.get(r.id as string);
  if (held && stricter(held, effective) !== effective) return { code: 'marking.downgrade', message: `Vigil holds this object as TLP:${held.toUpperCase()}; a new version may not lower it to TLP:${effective.toUpperCase()}` };
  if (level) return { object: r, clamped: false };
  const refs = Array.isArray(r.object_marking_refs) ? (r.object_marking_refs as string[]) : [];
  return { object: { ...r, object_marking_refs: [TLP2_MARKING_IDS[s.strictest], ...refs] }, clamped: true };
}
