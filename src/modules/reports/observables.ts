/**
 * Observables of a report: the ones the reporter lists and the ones found in the free text, each
 * normalized (defanged forms such as hxxp:// and [.] understood) and de-duplicated.
 */
import { AppError } from '../../platform/errors.ts';
import { formatIPv4, formatIPv6, normalizeDomain, parseIPv4, parseIPv6, refang } from '../../platform/lookup-index/index.ts';

export const OBSERVABLE_TYPES = ['url', 'ipv4', 'ipv6', 'domain', 'email', 'md5', 'sha1', 'sha256'] as const;
export type ObservableType = (typeof OBSERVABLE_TYPES)[number];
export type Observable = { type: ObservableType; value: string; source: 'given' | 'extracted' };
/** As a reporter gives it: a bare value (its type is recognized) or a value with its type. */
export type GivenObservable = string | { type?: ObservableType | undefined; value: string };

type Normalized = { type: ObservableType; value: string };
type Outcome = { ok: true; value: Normalized } | { ok: false; message: string };

const MAX_VALUE = 2048;
const URL_SCHEMES = new Set(['http:', 'https:', 'ftp:']);
const HEX = { md5: /^[0-9a-f]{32}$/i, sha1: /^[0-9a-f]{40}$/i, sha256: /^[0-9a-f]{64}$/i } as const;
const EMAIL_LOCAL = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const DEFANGED_SCHEME = /\b(h[xX]{2}ps?|f[xX]ps?)(?=:\/\/)/gi;

const good = (type: ObservableType, value: string): Outcome => ({ ok: true, value: { type, value } });
const bad = (message: string): Outcome => ({ ok: false, message });

/** Undoes defanging anywhere in a text: [.] (.) [dot] [@] [at] [://] [:] and hxxp(s):// fxp://. */
export function refangText(text: string): string {
  return refang(text).replace(DEFANGED_SCHEME, (m) => m.toLowerCase().replace('xx', 'tt').replace(/^fxp/, 'ftp'));
}

function isIpHost(host: string): boolean {
  return parseIPv4(host) !== null || (host.startsWith('[') && host.endsWith(']') && parseIPv6(host.slice(1, -1)) !== null);
}

function normalizeUrl(s: string): Outcome {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return bad('it is not a valid URL');
  }
  if (!URL_SCHEMES.has(url.protocol)) return bad('only http://, https:// and ftp:// URLs are accepted');
  if (!isIpHost(url.hostname) && !normalizeDomain(url.hostname).ok) return bad(`"${url.hostname}" is not a valid host name`);
  if (url.href.length > MAX_VALUE) return bad(`it is longer than ${MAX_VALUE} characters`);
  return good('url', url.href);
}

function normalizeEmail(s: string): Outcome {
  const address = s.toLowerCase().startsWith('mailto:') ? s.slice(7) : s;
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  if (at <= 0 || local.length > 64 || !EMAIL_LOCAL.test(local)) return bad('it is not a valid e-mail address');
  const domain = normalizeDomain(address.slice(at + 1));
  if (!domain.ok) return bad('the e-mail domain is not valid');
  return good('email', `${local}@${domain.value}`.toLowerCase());
}

function normalizeIPv6(s: string): Outcome {
  const bare = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  const words = parseIPv6(bare);
  return words ? good('ipv6', formatIPv6(words)) : bad('it is not a valid IPv6 address');
}

function normalizeAs(type: ObservableType, s: string): Outcome {
  switch (type) {
    case 'url':
      return normalizeUrl(s);
    case 'email':
      return normalizeEmail(s);
    case 'ipv4': {
      const v = parseIPv4(s);
      return v === null ? bad('it is not a valid IPv4 address (four decimal octets 0-255, no leading zeros)') : good('ipv4', formatIPv4(v));
    }
    case 'ipv6':
      return normalizeIPv6(s);
    case 'domain': {
      const d = normalizeDomain(s);
      return d.ok ? good('domain', d.value) : bad(d.message.replace(/^"[^"]*" /, 'it '));
    }
    default:
      return HEX[type].test(s) ? good(type, s.toLowerCase()) : bad(`it is not a ${type.toUpperCase()} hash (${type === 'md5' ? 32 : type === 'sha1' ? 40 : 64} hexadecimal digits)`);
  }
}

/** Recognizes what a bare value is. */
function detectType(s: string): ObservableType | null {
  if (HEX.md5.test(s)) return 'md5';
  if (HEX.sha1.test(s)) return 'sha1';
  if (HEX.sha256.test(s)) return 'sha256';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return 'url';
  if (s.includes('@')) return 'email';
  if (parseIPv4(s) !== null) return 'ipv4';
  if (s.includes(':')) return 'ipv6';
  if (s.includes('/')) return 'url';
  return 'domain';
}

/** Normalizes one observable; without a type, the type is recognized from the value. */
export function normalizeObservable(raw: string, type?: ObservableType): Outcome {
  const trimmed = raw.trim();
  if (trimmed === '') return bad('it is empty');
  if (trimmed.length > MAX_VALUE) return bad(`it is longer than ${MAX_VALUE} characters`);
  const s = refangText(trimmed);
  const as = type ?? detectType(s);
  if (as === null) return bad('it is not a URL, IP address, domain, e-mail address or hash');
  // A URL given without its scheme ("evil.example/login") is read as http://.
  if (as === 'url' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return normalizeUrl(`http://${s}`);
  const out = normalizeAs(as, s);
  if (!out.ok && !type) return bad(`it is not a URL, IP address, domain, e-mail address or hash (as ${as}: ${out.message})`);
  return out;
}

// ---------- extraction from free text ----------

const URL_IN_TEXT = /\b(?:https?|ftp):\/\/[^\s<>"'`{}|\\^]+/gi;
const EMAIL_IN_TEXT = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}@(?:[\p{L}\p{N}-]+\.)+[\p{L}\p{N}-]{2,63}/gu;
const HASH_IN_TEXT = /(?<![0-9a-z])(?:[0-9a-f]{64}|[0-9a-f]{40}|[0-9a-f]{32})(?![0-9a-z])/gi;
const IPV4_IN_TEXT = /(?<![0-9.])(?:\d{1,3}\.){3}\d{1,3}(?![0-9]|\.\d)/g;
const IPV6_IN_TEXT = /(?<![0-9a-z:.])(?:[0-9a-f]{0,4}:){2,7}(?:[0-9a-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?(?![0-9a-z:])/gi;
const DOMAIN_IN_TEXT = /(?<![\p{L}\p{N}_@.-])(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:xn--[a-z0-9-]{1,59}|\p{L}{2,63})(?![\p{L}\p{N}_-]|\.[\p{L}\p{N}])/giu;
// Words like "report.pdf" or "Node.js" look like domains; in free text they rarely are. A reporter
// who means such a domain lists it explicitly.
const FILE_SUFFIXES = new Set(
  'exe dll bat cmd ps1 vbs js jse json txt log csv pdf doc docx docm xls xlsx xlsm ppt pptx rtf odt png jpg jpeg gif bmp svg webp tif tiff zip rar 7z gz tgz tar iso img html htm php asp aspx jsp py sh rb pl ts md yml yaml xml ini cfg conf eml msg lnk hta jar apk dmg msi bin dat db sql bak tmp mp3 mp4 wav avi mov'.split(' '),
);

function trimUrlTail(url: string): string {
  let u = url;
  for (;;) {
    const last = u.at(-1) ?? '';
    if ('.,;:!?\'"'.includes(last)) u = u.slice(0, -1);
    else if (last === ')' && (u.match(/\(/g)?.length ?? 0) < (u.match(/\)/g)?.length ?? 0)) u = u.slice(0, -1);
    else if (last === ']' || last === '}' || last === '>') u = u.slice(0, -1);
    else return u;
  }
}

type Hit = { at: number; obs: Normalized };

/** Finds matches of `re` in `text`, blanks them out (so later patterns do not see them again). */
function take(text: string, re: RegExp, accept: (m: string) => Normalized | null, hits: Hit[]): string {
  let out = text;
  for (const m of text.matchAll(re)) {
    const found = accept(m[0]);
    if (!found) continue;
    hits.push({ at: m.index, obs: found });
    out = out.slice(0, m.index) + ' '.repeat(m[0].length) + out.slice(m.index + m[0].length);
  }
  return out;
}

const asOk = (o: Outcome): Normalized | null => (o.ok ? o.value : null);

/** Observables found in free text, in the order they appear (not de-duplicated). */
export function extractObservables(text: string): Normalized[] {
  const hits: Hit[] = [];
  let t = refangText(text);
  t = take(t, URL_IN_TEXT, (m) => asOk(normalizeAs('url', trimUrlTail(m))), hits);
  t = take(t, EMAIL_IN_TEXT, (m) => asOk(normalizeAs('email', m)), hits);
  t = take(t, HASH_IN_TEXT, (m) => asOk(normalizeAs(m.length === 32 ? 'md5' : m.length === 40 ? 'sha1' : 'sha256', m)), hits);
  t = take(t, IPV4_IN_TEXT, (m) => asOk(normalizeAs('ipv4', m)), hits);
  t = take(t, IPV6_IN_TEXT, (m) => (/[0-9a-f]/i.test(m) ? asOk(normalizeAs('ipv6', m)) : null), hits);
  take(t, DOMAIN_IN_TEXT, (m) => (FILE_SUFFIXES.has(m.slice(m.lastIndexOf('.') + 1).toLowerCase()) ? null : asOk(normalizeAs('domain', m))), hits);
  return hits.sort((a, b) => a.at - b.at).map((h) => h.obs);
}

export type CollectResult = { observables: Observable[]; truncated: boolean };

/**
 * The given observables (all must be valid: else 400 `report.invalid_observable` with each bad
 * index) followed by those extracted from `text`, de-duplicated, at most `max` in all.
 */
export function collectObservables(given: readonly GivenObservable[], text: string, max: number): CollectResult {
  const issues: { index: number; path: string; message: string }[] = [];
  const out: Observable[] = [];
  const seen = new Set<string>();
  const add = (o: Normalized, source: Observable['source']) => {
    const key = `${o.type} ${o.value}`;
    if (seen.has(key)) return true;
    if (out.length >= max) return false;
    seen.add(key);
    out.push({ ...o, source });
    return true;
  };
  given.forEach((g, index) => {
    const r = typeof g === 'string' ? normalizeObservable(g) : normalizeObservable(g.value, g.type);
    if (r.ok) add(r.value, 'given');
    else issues.push({ index, path: typeof g === 'string' ? `observables.${index}` : `observables.${index}.value`, message: `"${clip(typeof g === 'string' ? g : g.value)}": ${r.message}` });
  });
  if (issues.length) throw new AppError('report.invalid_observable', 'Some observables are not valid', 400, { issues });
  let truncated = false;
  for (const o of extractObservables(text)) {
    if (!add(o, 'extracted')) {
      truncated = true;
      break;
    }
  }
  return { observables: out, truncated };
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
