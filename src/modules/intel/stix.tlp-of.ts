import type { Tlp } from './intel.tables.ts';
import { stricter, tlpOfMarkingId } from './tlp.ts';

/**
 * The TLP of a STIX object from its object_marking_refs alone: the most restrictive known TLP marking
 * (2.0, 1.0 or the AMBER+STRICT variant); `defaultTlp` when it has none or carries a marking Vigil
 * does not know (then at least the default).
 */
export function tlpOf(obj: Record<string, unknown>, defaultTlp: Tlp = 'amber'): Tlp {
  const refs = Array.isArray(obj.object_marking_refs) ? obj.object_marking_refs : [];
  let tlp: Tlp | undefined;
  let unknown = false;
  for (const r of refs) {
    const t = typeof r === 'string' ? tlpOfMarkingId(r) : undefined;
    if (t) tlp = tlp ? stricter(tlp, t) : t;
    else unknown = true;
  }
  if (!tlp) return defaultTlp;
  return unknown ? stricter(tlp, defaultTlp) : tlp;
}
