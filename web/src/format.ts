const pad = (n: number) => String(n).padStart(2, '0');

/** `2025-03-14 09:26` in the analyst's local time (the full ISO timestamp goes in a title). */
export function formatDateTime(iso: string | null | undefined, opts: { seconds?: boolean } = {}): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}${opts.seconds ? `:${pad(d.getSeconds())}` : ''}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** PGP fingerprints are easier to compare in groups of four. */
export function formatFingerprint(fp: string): string {
  const hex = fp.replace(/\s+/g, '').toUpperCase();
  return /^[0-9A-F]+$/.test(hex) ? (hex.match(/.{1,4}/g) ?? [hex]).join(' ') : fp;
}

export const ASSET_TYPE_LABELS: Record<string, string> = {
  cidr: 'Network (CIDR)',
  asn: 'AS number',
  domain: 'Domain',
  email_domain: 'E-mail domain',
};

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
