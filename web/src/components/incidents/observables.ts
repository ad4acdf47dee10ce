// Observables typed one per line: `type:value`, or a bare value whose type is recognised.
import type { ObservableType } from '../../api-incidents';

export const OBSERVABLE_TYPES: readonly ObservableType[] = ['url', 'ipv4', 'ipv6', 'domain', 'email', 'md5', 'sha1', 'sha256', 'asn'];

/** Undoes the usual defanging (`hxxp`, `[.]`, `[@]`) so the value can be recognised; the server normalizes again. */
const refang = (v: string) => v.replace(/^hxxp/i, 'http').replace(/\[\.\]|\(\.\)/g, '.').replace(/\[(@|at)\]/gi, '@');

/** The type of a bare value, or null when it is not clear. */
export function detectObservable(raw: string): ObservableType | null {
  const v = refang(raw.trim());
  if (/^[0-9a-f]{32}$/i.test(v)) return 'md5';
  if (/^[0-9a-f]{40}$/i.test(v)) return 'sha1';
  if (/^[0-9a-f]{64}$/i.test(v)) return 'sha256';
  if (/^as\d{1,10}$/i.test(v)) return 'asn';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return 'url';
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) return 'email';
  if (/^(\d{1,3})(\.\d{1,3}){3}$/.test(v) && v.split('.').every((n) => Number(n) <= 255)) return 'ipv4';
  if (v.includes(':') && /^[0-9a-f:.]+$/i.test(v) && (v.match(/:/g)?.length ?? 0) >= 2) return 'ipv6';
  if (/^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}\.?$/i.test(v)) return 'domain';
  return null;
}

export interface ParsedObservables {
  observables: { type: ObservableType; value: string }[];
  /** One message per line that could not be read. */
  errors: string[];
}

/** Reads the observables textarea; blank lines and `#` comments are skipped. */
export function parseObservables(text: string): ParsedObservables {
  const observables: ParsedObservables['observables'] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const s = line.trim();
    if (!s || s.startsWith('#')) return;
    const prefixed = /^([a-z0-9]+)\s*:\s*(.+)$/i.exec(s);
    const type = prefixed?.[1]?.toLowerCase();
    if (prefixed && type && (OBSERVABLE_TYPES as readonly string[]).includes(type)) {
      observables.push({ type: type as ObservableType, value: (prefixed[2] ?? '').trim() });
      return;
    }
    const detected = detectObservable(s);
    if (detected) observables.push({ type: detected, value: s });
    else errors.push(`Line ${i + 1}: cannot tell what “${s}” is; write it as type:value (${OBSERVABLE_TYPES.join(', ')}).`);
  });
  return { observables, errors };
}
