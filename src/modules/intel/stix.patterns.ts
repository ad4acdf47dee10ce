import { observableAt, type IntelObservable } from './intel.observables.ts';

export type PatternResult = { supported: true; observables: IntelObservable[] } | { supported: false; reason: string };

const LITERAL = /'((?:[^'\\]|\\.)*)'/g;
const TOKEN = /\s*(\[|\]|\(|\)|!=|<=|>=|=|<|>|\uE000\d+\uE000|[^\s[\]()=<>!\uE000]+)/y;

// Strings first (an operator inside a value must not count), then tokens around placeholders.
function tokenize(pattern: string): { tokens: string[]; literals: string[] } | null {
  if (pattern.includes('\uE000')) return null; // the placeholder character below
  const literals: string[] = [];
  const stripped = pattern.replace(LITERAL, (_, s: string) => `\uE000${literals.push(s.replace(/\\(.)/g, '$1')) - 1}\uE000`);
  if (stripped.includes("'")) return null;
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (TOKEN.lastIndex < stripped.length && (m = TOKEN.exec(stripped))) {
    const t = m[1]!;
    const prev = tokens[tokens.length - 1];
    // `file:hashes.'SHA-256'`: a quoted path component belongs to the path before it.
    if (t.startsWith('\uE000') && prev?.endsWith('.')) tokens[tokens.length - 1] = `${prev}'${literals[Number(t.slice(1, -1))]}'`;
    else tokens.push(t);
  }
  if (stripped.slice(TOKEN.lastIndex).trim() !== '') return null;
  return { tokens, literals };
}

const STRUCTURAL = new Set(['[', ']', '(', ')', 'OR']);

/**
 * Observables of a simple STIX pattern: comparisons `<type>:<path> = '<value>'` (or ISSUBSET for
 * an address range) joined only by OR, inside and between observation expressions. Anything else
 * (AND, FOLLOWEDBY, qualifiers, NOT, LIKE, MATCHES, other paths) is unsupported: the indicator is
 * stored, nothing is extracted, and it is not an error.
 */
export function extractPattern(pattern: string): PatternResult {
  const t = tokenize(pattern);
  if (!t) return { supported: false, reason: 'the pattern cannot be tokenized' };
  const { tokens, literals } = t;
  const out: IntelObservable[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (STRUCTURAL.has(tok)) continue;
    const op = tokens[i + 1];
    const lit = tokens[i + 2];
    const path = /^([a-z0-9-]+):(.+)$/.exec(tok);
    if (!path || (op !== '=' && op !== 'ISSUBSET') || !lit?.startsWith('\uE000')) return { supported: false, reason: `unsupported expression at "${tok}"` };
    const o = observableAt(path[1]!, path[2]!, literals[Number(lit.slice(1, -1))]!);
    if (!o || (op === 'ISSUBSET' && o.net === null)) return { supported: false, reason: `unsupported comparison ${tok} ${op}` };
    out.push(o);
    i += 2;
  }
  return out.length ? { supported: true, observables: out } : { supported: false, reason: 'no comparison' };
}
