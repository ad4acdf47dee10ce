/**
 * The subset of STIX 2.1 patterning Vigil turns into events: comparisons `[type:path = 'value']`
 * joined by OR (inside one observation or between observations). AND, other operators,
 * qualifiers (WITHIN, REPEATS...) and FOLLOWEDBY are unsupported: the caller reports the object.
 */
export type Comparison = { objectType: string; path: string; value: string };

const COMPARISON = /^\s*([a-z0-9-]+):([a-z0-9_]+(?:\.(?:'[^']+'|"[^"]+"|[A-Za-z0-9_-]+))*)\s*=\s*'((?:[^'\\]|\\.)*)'\s*/;

/** Parses a pattern into its OR-ed equality comparisons, or returns the reason it is unsupported. */
export function parsePattern(pattern: string): Comparison[] | { unsupported: string } {
  const out: Comparison[] = [];
  let rest = pattern.trim();
  for (;;) {
    if (!rest.startsWith('[')) return { unsupported: 'expected an observation in brackets' };
    rest = rest.slice(1);
    for (;;) {
      const m = COMPARISON.exec(rest);
      if (!m) return { unsupported: 'only equality comparisons (=) with a quoted value are supported' };
      out.push({ objectType: m[1] as string, path: (m[2] as string).replace(/"/g, "'"), value: (m[3] as string).replace(/\\(.)/g, '$1') });
      rest = rest.slice(m[0].length);
      if (rest.startsWith(']')) break;
      const or = /^OR\s+/.exec(rest);
      if (!or) return { unsupported: rest.startsWith('AND') ? 'AND is not supported' : 'expected OR or ]' };
      rest = rest.slice(or[0].length);
    }
    rest = rest.slice(1).trim();
    if (rest === '') return out;
    const or = /^OR\s+/.exec(rest);
    if (!or) return { unsupported: `"${rest.split(/\s/)[0]}" between observations is not supported (only OR)` };
    rest = rest.slice(or[0].length);
  }
}

/** The harmonized field a STIX object path maps to, or null. */
export function fieldOfPath(objectType: string, path: string, value: string): string | null {
  if (objectType === 'ipv4-addr' || objectType === 'ipv6-addr') return path === 'value' ? (value.includes('/') ? 'source.network' : 'source.ip') : null;
  if (objectType === 'domain-name') return path === 'value' ? 'source.fqdn' : null;
  if (objectType === 'url') return path === 'value' ? 'source.url' : null;
  if (objectType === 'email-addr') return path === 'value' ? 'source.account' : null;
  if (objectType === 'file') {
    const hash = /^hashes\.'?(MD5|SHA-1|SHA-256|SHA1|SHA256)'?$/i.exec(path);
    if (!hash) return null;
    const algo = (hash[1] as string).toUpperCase().replace('-', '');
    return algo === 'MD5' ? 'malware.hash.md5' : algo === 'SHA1' ? 'malware.hash.sha1' : 'malware.hash.sha256';
  }
  return null;
}
