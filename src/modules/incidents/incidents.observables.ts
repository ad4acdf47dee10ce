import { AppError } from '../../platform/errors.ts';
import { classifyQuery, parseAsn } from '../../platform/lookup-index/index.ts';

export type Observable = { type: string; value: string };

const HASH: Record<string, RegExp> = { md5: /^[0-9a-f]{32}$/, sha1: /^[0-9a-f]{40}$/, sha256: /^[0-9a-f]{64}$/ };
const KIND_TO_TYPE: Record<string, string> = { ipv4: 'ipv4', ipv6: 'ipv6', domain: 'domain', url: 'url', email: 'email' };

function normalizeOne(o: Observable): string | null {
  if (HASH[o.type]) {
    const v = o.value.trim().toLowerCase();
    return HASH[o.type]!.test(v) ? v : null;
  }
  if (o.type === 'asn') {
    const r = parseAsn(o.value);
    return r.ok ? `AS${r.value}` : null;
  }
  const q = classifyQuery(o.value);
  if (!q.ok) return null;
  const kind = KIND_TO_TYPE[q.value.kind];
  if (o.type === 'url') return kind === 'url' ? o.value.trim().replace(/^hxxp/i, 'http').replace(/\[\.\]/g, '.') : null;
  if (o.type === 'email') return kind === 'email' ? o.value.trim().replace(/\[(@|at)\]/gi, '@').replace(/\[\.\]/g, '.').toLowerCase() : null;
  return kind === o.type ? q.value.normalized : null;
}

/**
 * Normalizes and de-duplicates observables (defanged forms understood); the first invalid one is a
 * 400 `incident.invalid_observable` naming its index.
 */
export function normalizeObservables(list: Observable[]): Observable[] {
  const seen = new Set<string>();
  const out: Observable[] = [];
  list.forEach((o, i) => {
    const value = normalizeOne(o);
    if (value === null) {
      throw new AppError('incident.invalid_observable', `observables[${i}]: "${o.value}" is not a valid ${o.type}`, 400, { field: `observables[${i}].value`, type: o.type });
    }
    const key = `${o.type} ${value}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ type: o.type, value });
    }
  });
  return out;
}
