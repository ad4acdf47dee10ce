/**
 * A feed's declared time zone, for the timestamps that carry none: UTC, a fixed offset ("+03:00")
 * or an IANA zone ("Europe/Amsterdam"), whose offset follows daylight saving time. A local wall
 * time in a zone's fall-back hour (it happens twice) is read as the first of the two; one in the
 * spring-forward gap (it never happens) is read with the offset before the change, as most
 * software does (it lands one hour later, after the change).
 */
/** Parses a zone designator ("Z", "UTC", "+03:00", "-0530", "+03") to minutes east of UTC, or null. */
export function parseZone(z: string): number | null {
  const s = z.trim();
  if (s === 'Z' || s === 'z' || s.toUpperCase() === 'UTC' || s.toUpperCase() === 'GMT') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(s);
  if (!m) return null;
  const h = Number(m[2]);
  const min = Number(m[3] ?? '0');
  if (h > 23 || min > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (h * 60 + min);
}

/** Minutes east of UTC of a local wall time, given as if it were UTC epoch milliseconds. */
export type ZoneOffset = (localMs: number) => number;

/** A declared zone: a fixed offset in minutes east of UTC, or a DST-aware IANA zone. */
export type Zone = number | ZoneOffset;

const BUCKET_MS = 15 * 60_000; // every zone changes its offset on a quarter hour
const MAX_CACHED = 100_000;

/** True when the runtime's time-zone database knows `name`. */
export function isIanaZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The offset function of an IANA zone (memoized per quarter hour of UTC time). */
function ianaOffset(name: string): ZoneOffset {
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
  const cache = new Map<number, number>();
  /** Minutes east of UTC at the UTC instant `utcMs`. */
  const at = (utcMs: number): number => {
    const bucket = Math.floor(utcMs / BUCKET_MS);
    let off = cache.get(bucket);
    if (off === undefined) {
      const t = bucket * BUCKET_MS;
      const p: Record<string, number> = {};
      for (const part of fmt.formatToParts(new Date(t))) if (part.type !== 'literal') p[part.type] = Number(part.value);
      off = Math.round((Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!) - t) / 60_000);
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(bucket, off);
    }
    return off;
  };
  return (localMs) => {
    // The offset before the wall time, then at the instant it gives: equal except around a change.
    const first = at(localMs - at(localMs - 86_400_000) * 60_000);
    const second = at(localMs - first * 60_000);
    if (first === second) return first;
    // Around a change: the larger offset (earlier instant) when the wall time happens with it (fall back), else the one before.
    const big = Math.max(first, second);
    return at(localMs - big * 60_000) === big ? big : Math.min(first, second);
  };
}

/** Parses a declared zone, or null when it is none of UTC, an offset or a known IANA zone. */
export function parseDeclaredZone(z: string): Zone | null {
  const fixed = parseZone(z);
  if (fixed !== null) return fixed;
  const name = z.trim();
  return isIanaZone(name) ? ianaOffset(name) : null;
}
