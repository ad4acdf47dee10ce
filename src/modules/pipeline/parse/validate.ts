import { formatIPv4, formatIPv6, isIPv4Mapped, normalizeDomain, parseAsn, parseCidr, parseIPv4, parseIPv6 } from '../../../platform/lookup-index/index.ts';
import type { EventValue } from '../pipeline.types.ts';
import type { FieldType } from './fields.ts';
import { Invalid, excerptOf } from './invalid.ts';
import { isRsitTaxonomy, rsitType } from '../../../platform/rsit.ts';

/** Validates and normalizes one raw value of a field type; time fields are handled by the event builder. */
export type Validator = (raw: unknown) => EventValue | Invalid;

function text(raw: unknown): string | null {
  if (typeof raw === 'string') return raw.trim();
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  return null;
}

function bad(code: string, raw: unknown, what: string): Invalid {
  return new Invalid(code, `"${excerptOf(raw)}" is not ${what}`);
}

/** IPv4 or IPv6 in canonical form; an IPv4-mapped IPv6 address becomes the IPv4 address. */
export function validateIp(raw: unknown): EventValue | Invalid {
  const s = text(raw);
  if (s === null) return bad('field.invalid_ip', raw, 'an IP address');
  if (parseIPv4(s) !== null) return s;
  const v6 = s.includes(':') ? parseIPv6(s) : null;
  if (v6 === null) return bad('field.invalid_ip', raw, 'an IP address');
  return isIPv4Mapped(v6) ? formatIPv4(v6[3] as number) : formatIPv6(v6);
}

function validatePort(raw: unknown): EventValue | Invalid {
  const s = text(raw);
  const n = s !== null && /^\d{1,5}$/.test(s) ? Number(s) : NaN;
  return n >= 0 && n <= 65535 ? n : bad('field.invalid_port', raw, 'a port (0-65535)');
}

function validateAsn(raw: unknown): EventValue | Invalid {
  const s = text(raw);
  const r = s === null ? null : parseAsn(s);
  return r?.ok && r.value >= 1 ? r.value : bad('field.invalid_asn', raw, 'an AS number (1-4294967295, e.g. AS64500)');
}

function validateFqdn(raw: unknown): EventValue | Invalid {
  const s = text(raw);
  const r = s === null ? null : normalizeDomain(s);
  return r?.ok ? r.value : bad('field.invalid_fqdn', raw, 'a domain name');
}

function validateUrl(raw: unknown): EventValue | Invalid {
  const s = text(raw);
  if (s === null || s === '' || /\s/.test(s)) return bad('field.invalid_url', raw, 'a URL');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `http://${s}`;
  try {
    const u = new URL(withScheme);
    return u.hostname === '' ? bad('field.invalid_url', raw, 'a URL with a host') : u.href;
  } catch {
    return bad('field.invalid_url', raw, 'a URL');
  }
}

function validateEmail(raw: unknown): EventValue | Invalid {
  const s = text(raw);
  const out: string[] = [];
  for (const part of (s ?? '').split(',')) {
    const at = part.lastIndexOf('@');
    const local = part.slice(0, at).trim();
    const domain = at > 0 && local.length <= 64 && !/\s/.test(local) ? normalizeDomain(part.slice(at + 1)) : null;
    if (!domain?.ok) return bad('field.invalid_email', raw, 'an e-mail address');
    out.push(`${local}@${domain.value}`);
  }
  return out.join(',');
}

const REGIONS = (() => {
  const names = new Intl.DisplayNames('en', { type: 'region' });
  const set = new Set<string>();
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (code !== 'ZZ' && names.of(code) !== code) set.add(code);
    }
  }
  return set;
})();

function validateCc(raw: unknown): EventValue | Invalid {
  const s = text(raw)?.toUpperCase();
  return s !== undefined && REGIONS.has(s) ? s : bad('field.invalid_cc', raw, 'an ISO 3166 alpha-2 country code');
}

function hexOf(length: number, name: string): Validator {
  const re = new RegExp(`^[0-9a-f]{${length}}$`);
  return (raw) => {
    const s = text(raw)?.toLowerCase();
    return s !== undefined && re.test(s) ? s : bad('field.invalid_hash', raw, `a ${name} hash (${length} hex digits)`);
  };
}

function validateNetwork(raw: unknown): EventValue | Invalid {
  const s = text(raw);
  const r = s === null ? null : parseCidr(s);
  return r?.ok ? r.value.canonical : bad('field.invalid_network', raw, 'a CIDR prefix without host bits');
}

const TLP: Record<string, string> = { CLEAR: 'CLEAR', WHITE: 'CLEAR', GREEN: 'GREEN', AMBER: 'AMBER', 'AMBER+STRICT': 'AMBER+STRICT', RED: 'RED' };

/** TLP 2.0 name ("TLP:AMBER", "amber", WHITE -> CLEAR) or null. */
export function normalizeTlp(raw: unknown): string | null {
  const s = text(raw)?.toUpperCase().replace(/^TLP:\s*/, '');
  return s === undefined ? null : (TLP[s] ?? null);
}

function number(code: string, what: string, ok: (n: number) => boolean): Validator {
  return (raw) => {
    const s = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    return Number.isFinite(s) && ok(s) ? s : bad(code, raw, what);
  };
}

function stringOf(transform: (s: string) => string): Validator {
  return (raw) => {
    const s = text(raw);
    if (s === null) return typeof raw === 'boolean' ? String(raw) : bad('field.invalid_string', raw, 'text');
    return transform(s);
  };
}

function validateBoolean(raw: unknown): EventValue | Invalid {
  if (typeof raw === 'boolean') return raw;
  const s = text(raw)?.toLowerCase();
  if (s === 'true' || s === '1' || s === 'yes') return true;
  if (s === 'false' || s === '0' || s === 'no') return false;
  return bad('field.invalid_boolean', raw, 'a boolean');
}

function validateBase64(raw: unknown): EventValue | Invalid {
  const s = text(raw);
  return s !== null && /^[A-Za-z0-9+/]*={0,2}$/.test(s) ? s : bad('field.invalid_base64', raw, 'base64');
}

const VALIDATORS: Record<Exclude<FieldType, 'time'>, Validator> = {
  ip: validateIp,
  port: validatePort,
  asn: validateAsn,
  fqdn: validateFqdn,
  url: validateUrl,
  email: validateEmail,
  cc: validateCc,
  md5: hexOf(32, 'MD5'),
  sha1: hexOf(40, 'SHA-1'),
  sha256: hexOf(64, 'SHA-256'),
  network: validateNetwork,
  taxonomy: (raw) => (typeof raw === 'string' && isRsitTaxonomy(raw) ? raw.trim().toLowerCase() : bad('field.invalid_taxonomy', raw, 'an RSIT taxonomy')),
  type: (raw) => (typeof raw === 'string' && rsitType(raw) !== null ? (rsitType(raw) as string) : bad('field.invalid_type', raw, 'an RSIT type')),
  tlp: (raw) => normalizeTlp(raw) ?? bad('field.invalid_tlp', raw, 'a TLP level (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)'),
  string: stringOf((s) => s),
  lower: stringOf((s) => s.toLowerCase()),
  upper: stringOf((s) => s.toUpperCase()),
  integer: number('field.invalid_integer', 'an integer', Number.isSafeInteger),
  float: number('field.invalid_number', 'a number', () => true),
  accuracy: number('field.invalid_accuracy', 'an accuracy (0-100)', (n) => n >= 0 && n <= 100),
  boolean: validateBoolean,
  base64: validateBase64,
};

/** The validator of a (non-time) field type. */
export function validatorFor(type: Exclude<FieldType, 'time'>): Validator {
  return VALIDATORS[type];
}

