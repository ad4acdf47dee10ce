import { Invalid, excerptOf } from './invalid.ts';
import { parseDeclaredZone, parseZone, type Zone } from './zone.ts';

/** How a feed writes its timestamps: ISO 8601 (default), Unix epoch seconds/milliseconds, or a strptime-style pattern. */
export type TimeOptions = { format?: string | undefined; zone?: string | undefined };

/** Parses a time value to epoch milliseconds, or Invalid (`time.invalid`, `time.no_zone`). */
export type TimeParser = (raw: unknown) => number | Invalid;

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

type Parts = { y: number; mo: number; d: number; h: number; mi: number; s: number; ms: number; zone: number | null };

function toEpoch(p: Parts, defaultZone: Zone | null, raw: unknown): number | Invalid {
  const leap = p.y % 4 === 0 && (p.y % 100 !== 0 || p.y % 400 === 0);
  const dim = p.mo === 2 && !leap ? 28 : (DAYS[p.mo - 1] ?? 0);
  if (p.mo < 1 || p.mo > 12 || p.d < 1 || p.d > dim || p.h > 23 || p.mi > 59 || p.s > 60 || p.y < 1970) {
    return new Invalid('time.invalid', `"${excerptOf(raw)}" is not a valid time`);
  }
  const zone = p.zone ?? defaultZone;
  if (zone === null) return new Invalid('time.no_zone', `"${excerptOf(raw)}" has no time zone and the feed declares none`);
  const local = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, Math.min(p.s, 59), p.ms);
  return local - (typeof zone === 'number' ? zone : zone(local)) * 60_000;
}

function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1; // NaN past the end of the string fails too
    v = v * 10 + d;
  }
  return v;
}

// YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][zone]: charCode scanning, this runs once per event.
function isoParts(s: string): Parts | null {
  if (s.length < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return null;
  const p: Parts = { y: digits(s, 0, 4), mo: digits(s, 5, 2), d: digits(s, 8, 2), h: 0, mi: 0, s: 0, ms: 0, zone: null };
  let i = 10;
  const sep = s.charCodeAt(10);
  if (sep === 84 || sep === 116 || sep === 32) {
    p.h = digits(s, 11, 2);
    if (s.charCodeAt(13) !== 58) return null;
    p.mi = digits(s, 14, 2);
    i = 16;
    if (s.charCodeAt(16) === 58) {
      p.s = digits(s, 17, 2);
      i = 19;
      if (s.charCodeAt(19) === 46 || s.charCodeAt(19) === 44) {
        let j = 20;
        while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
        if (j === 20) return null;
        p.ms = Math.floor(Number(`0.${s.slice(20, j)}`) * 1000);
        i = j;
      }
    }
  }
  if (p.y < 0 || p.mo < 0 || p.d < 0 || p.h < 0 || p.mi < 0 || p.s < 0) return null;
  if (i < s.length) {
    const zone = parseZone(s.slice(s.charCodeAt(i) === 32 ? i + 1 : i));
    if (zone === null) return null;
    p.zone = zone;
  }
  return p;
}

const TOKENS: Record<string, [string, keyof Parts | 'b' | 'z']> = {
  Y: ['(\\d{4})', 'y'],
  m: ['(\\d{1,2})', 'mo'],
  d: ['(\\d{1,2})', 'd'],
  H: ['(\\d{1,2})', 'h'],
  M: ['(\\d{2})', 'mi'],
  S: ['(\\d{2})', 's'],
  f: ['(\\d{1,9})', 'ms'],
  b: ['([A-Za-z]{3})', 'b'],
  z: ['(Z|UTC|[+-]\\d{2}:?\\d{2})', 'z'],
};

type FixedKey = 'y' | 'mo' | 'd' | 'h' | 'mi' | 's';
const FIXED: Record<string, [FixedKey, number]> = { Y: ['y', 4], m: ['mo', 2], d: ['d', 2], H: ['h', 2], M: ['mi', 2], S: ['s', 2] };

/** A fixed-width pattern: its length, the offset of each value (-1: absent), its literal characters. */
type Fixed = { length: number; at: Record<FixedKey, number>; literalAt: number[]; literalCode: number[] };

/**
 * The fixed-width reading of a pattern made only of %Y %m %d %H %M %S and literal characters (the
 * common "%Y-%m-%d %H:%M:%S"): zero-padded values at fixed offsets, read by charCode. Null when the
 * pattern has other directives. A value of another width falls back to the pattern's RegExp.
 */
function fixedWidth(pattern: string): Fixed | null {
  const f: Fixed = { length: 0, at: { y: -1, mo: -1, d: -1, h: -1, mi: -1, s: -1 }, literalAt: [], literalCode: [] };
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '%') {
      f.literalAt.push(f.length++);
      f.literalCode.push(pattern.charCodeAt(i));
      continue;
    }
    const tok = FIXED[pattern[++i] ?? ''];
    if (tok === undefined || f.at[tok[0]] >= 0) return null;
    f.at[tok[0]] = f.length;
    f.length += tok[1];
  }
  return f;
}

function fixedValue(s: string, at: number, width: number, absent: number): number {
  return at < 0 ? absent : digits(s, at, width);
}

function readFixed(s: string, f: Fixed): Parts | null {
  if (s.length !== f.length) return null;
  for (let i = 0; i < f.literalAt.length; i++) if (s.charCodeAt(f.literalAt[i]!) !== f.literalCode[i]) return null;
  const { at } = f;
  const p: Parts = { y: fixedValue(s, at.y, 4, 1970), mo: fixedValue(s, at.mo, 2, 1), d: fixedValue(s, at.d, 2, 1), h: fixedValue(s, at.h, 2, 0), mi: fixedValue(s, at.mi, 2, 0), s: fixedValue(s, at.s, 2, 0), ms: 0, zone: null };
  return p.y < 0 || p.mo < 0 || p.d < 0 || p.h < 0 || p.mi < 0 || p.s < 0 ? null : p;
}

/** Compiles a strptime-style pattern (%Y %m %d %H %M %S %f %b %z %%) into a parser of Parts. */
function compilePattern(pattern: string): (s: string) => Parts | null {
  const viaRegExp = compileRegExpPattern(pattern);
  const fixed = fixedWidth(pattern);
  if (fixed === null) return viaRegExp;
  return (s) => readFixed(s, fixed) ?? viaRegExp(s);
}

function compileRegExpPattern(pattern: string): (s: string) => Parts | null {
  const keys: string[] = [];
  const src = pattern.replace(/%(.)|[.*+?^${}()|[\]\\]/g, (m, t: string | undefined) => {
    if (t === undefined) return `\\${m}`;
    if (t === '%') return '%';
    const tok = TOKENS[t];
    if (!tok) throw new Error(`unknown directive %${t}`);
    keys.push(tok[1]);
    return tok[0];
  });
  const re = new RegExp(`^${src}$`);
  return (s) => {
    const m = re.exec(s);
    if (!m) return null;
    const p: Parts = { y: 1970, mo: 1, d: 1, h: 0, mi: 0, s: 0, ms: 0, zone: null };
    for (let k = 0; k < keys.length; k++) {
      const v = m[k + 1] as string;
      const key = keys[k] as string;
      if (key === 'b') p.mo = MONTHS.indexOf(v.toLowerCase()) + 1;
      else if (key === 'z') p.zone = parseZone(v);
      else if (key === 'ms') p.ms = Math.floor(Number(`0.${v}`) * 1000);
      else p[key as 'y'] = Number(v);
    }
    return p;
  };
}

/** Checks a time format; returns the problem or null (used by the config schema). */
export function timeFormatProblem(format: string): string | null {
  if (format === 'iso8601' || format === 'epoch' || format === 'epoch_ms') return null;
  try {
    compilePattern(format);
    return format.includes('%') ? null : 'expected iso8601, epoch, epoch_ms or a pattern such as %Y-%m-%d %H:%M:%S';
  } catch (e) {
    return (e as Error).message;
  }
}

function epochParser(scale: number): TimeParser {
  return (raw) => {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isFinite(n)) return new Invalid('time.invalid', `"${excerptOf(raw)}" is not a Unix timestamp`);
    return Math.round(n * scale);
  };
}

/** Builds the time parser for a feed's format and declared zone (the zone applies to zone-less values). */
export function createTimeParser(opts: TimeOptions = {}): TimeParser {
  const format = opts.format ?? 'iso8601';
  if (format === 'epoch') return epochParser(1000);
  if (format === 'epoch_ms') return epochParser(1);
  const zone = opts.zone === undefined ? null : parseDeclaredZone(opts.zone);
  const parts = format === 'iso8601' ? isoParts : compilePattern(format);
  return (raw) => {
    if (typeof raw !== 'string') return new Invalid('time.invalid', `${excerptOf(raw)} is not a time (expected text, ${format})`);
    const p = parts(raw.trim());
    if (p === null) return new Invalid('time.invalid', `"${excerptOf(raw)}" is not a time in the format ${format}`);
    return toEpoch(p, zone, raw);
  };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

// Civil date from days since 1970-01-01 (H. Hinnant's algorithm): no Date object per event.
function civil(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return `${yoe + era * 400 + (m <= 2 ? 1 : 0)}-${pad2(m)}-${pad2(d)}`;
}

let lastDay = -1;
let lastDate = '';

/** Formats epoch milliseconds the way IntelMQ writes times: 2024-01-02T03:04:05+00:00 (.123 when not whole). */
export function formatTime(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  if (day !== lastDay) {
    lastDay = day;
    lastDate = civil(day);
  }
  const rest = ms - day * 86_400_000;
  const sec = Math.floor(rest / 1000);
  const frac = rest - sec * 1000;
  const hms = `${pad2(Math.floor(sec / 3600))}:${pad2(Math.floor(sec / 60) % 60)}:${pad2(sec % 60)}`;
  return frac === 0 ? `${lastDate}T${hms}+00:00` : `${lastDate}T${hms}.${String(frac).padStart(3, '0')}+00:00`;
}
