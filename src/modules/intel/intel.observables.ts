import { normalizeDomain, parseCidr } from '../../platform/lookup-index/index.ts';

/** An observable in the vocabulary of incident observables; `net` is set for IP addresses and ranges. */
export type IntelObservable = { kind: string; value: string; net: string | null };

const HASH_KINDS: Record<string, { kind: string; re: RegExp }> = {
  md5: { kind: 'md5', re: /^[0-9a-f]{32}$/ },
  'sha-1': { kind: 'sha1', re: /^[0-9a-f]{40}$/ },
  sha1: { kind: 'sha1', re: /^[0-9a-f]{40}$/ },
  'sha-256': { kind: 'sha256', re: /^[0-9a-f]{64}$/ },
  sha256: { kind: 'sha256', re: /^[0-9a-f]{64}$/ },
};

function ip(value: string, family: 4 | 6): IntelObservable | null {
  const r = parseCidr(value);
  if (!r.ok || r.value.family !== family) return null;
  const { canonical, length } = r.value;
  const host = length === (family === 4 ? 32 : 128);
  return { kind: family === 4 ? 'ipv4' : 'ipv6', value: host ? canonical.replace(/\/\d+$/, '') : canonical, net: canonical };
}

/**
 * Normalizes a value found at a STIX object path (`ipv4-addr:value`, `file:hashes.'SHA-256'` ...),
 * the same way incident observables are normalized, or null when the path is not one Vigil
 * correlates on or the value is not valid for it.
 */
export function observableAt(objectType: string, path: string, raw: string): IntelObservable | null {
  const value = raw.trim();
  if (path === 'value') {
    switch (objectType) {
      case 'ipv4-addr': return ip(value, 4);
      case 'ipv6-addr': return ip(value, 6);
      case 'domain-name': {
        const d = normalizeDomain(value);
        return d.ok && d.value.includes('.') ? { kind: 'domain', value: d.value, net: null } : null;
      }
      case 'url': return /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(value) ? { kind: 'url', value, net: null } : null;
      case 'email-addr': return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value) ? { kind: 'email', value: value.toLowerCase(), net: null } : null;
      default: return null;
    }
  }
  const m = /^hashes\.'?([A-Za-z0-9-]+)'?$/.exec(path);
  if ((objectType === 'file' || objectType === 'artifact') && m) {
    const h = HASH_KINDS[m[1]!.toLowerCase()];
    const v = value.toLowerCase();
    return h && h.re.test(v) ? { kind: h.kind, value: v, net: null } : null;
  }
  return null;
}

/** Observables carried by a cyber observable object itself (value or hashes). */
export function observablesOfSco(obj: Record<string, unknown>): IntelObservable[] {
  const type = String(obj.type);
  const out: IntelObservable[] = [];
  if (typeof obj.value === 'string') {
    const o = observableAt(type, 'value', obj.value);
    if (o) out.push(o);
  }
  if (obj.hashes && typeof obj.hashes === 'object') {
    for (const [alg, v] of Object.entries(obj.hashes as Record<string, unknown>)) {
      const o = typeof v === 'string' ? observableAt(type, `hashes.${alg}`, v) : null;
      if (o) out.push(o);
    }
  }
  return out;
}
