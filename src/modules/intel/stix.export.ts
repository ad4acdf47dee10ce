import { randomUUID } from 'node:crypto';
import type { Tlp } from './intel.tables.ts';
import { TLP2_MARKING_IDS, tlpMarkingDefinition } from './tlp.ts';

const TLP_BY_ID = new Map(Object.entries(TLP2_MARKING_IDS).map(([tlp, id]) => [id, tlp as Tlp]));

/**
 * A STIX 2.1 bundle of the objects, with the OASIS TLP 2.0 marking definitions they reference
 * (first, so a reader resolves markings before the objects that use them).
 */
export function toBundle(objects: readonly Record<string, unknown>[]): { type: 'bundle'; id: string; objects: Record<string, unknown>[] } {
  const present = new Set(objects.map((o) => o.id));
  const markings = new Map<string, Record<string, unknown>>();
  for (const o of objects) {
    const refs = Array.isArray(o.object_marking_refs) ? (o.object_marking_refs as unknown[]) : [];
    for (const r of refs) {
      const tlp = typeof r === 'string' ? TLP_BY_ID.get(r) : undefined;
      if (tlp && !present.has(r) && !markings.has(r as string)) markings.set(r as string, tlpMarkingDefinition(tlp));
    }
  }
  return { type: 'bundle', id: `bundle--${randomUUID()}`, objects: [...markings.values(), ...objects] };
}
