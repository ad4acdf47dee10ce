/**
 * Binary COPY of an import's rows, on both engines: stix_objects, intel_observables and stix_edges
 * go in as PostgreSQL wire-format values, where `insert ... select from unnest(...)` had every value
 * serialized into array literals in JavaScript and parsed again by the engine (and the rows
 * re-checked for conflicts). COPY has no `on conflict`: it is used under the imports' lock
 * (intel.repository.ts `lockImports`), which every writer of these tables holds (imports and
 * deletions), for rows the transaction found not stored. An encoder returns null when a value
 * cannot be written exactly as the engine would read its text (a timestamp with more than
 * microseconds or out of range, a network with host bits): the caller then takes the SQL path,
 * which behaves as before (rounds, or fails the import).
 */
import { parseCidrInto, CIDR_HOST_BITS, CIDR_INVALID } from '../../platform/lookup-index/index.ts';
import { CopyWriter } from '../../platform/db/copy-binary.ts';
import type { EdgeRow, NewObjectRow, ObservableRow } from './intel.repository.ts';

const PG_EPOCH_MS = 946_684_800_000; // 2000-01-01 in ms since 1970
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z$/;

/** Microseconds since 2000-01-01 of a `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` time, or null unless exact and valid (no Feb 30, no year 0). */
export function pgMicros(ts: string): bigint | number | null {
  const m = TIMESTAMP.exec(ts);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (y < 1 || h > 23 || mi > 59 || s > 59) return null;
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, s, 0);
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null;
  const fraction = m[7] ? Number(m[7].padEnd(6, '0')) : 0;
  const us = (t.getTime() - PG_EPOCH_MS) * 1000 + fraction;
  return Number.isSafeInteger(us) ? us : BigInt(t.getTime() - PG_EPOCH_MS) * 1000n + BigInt(fraction);
}

function timestamptz(w: CopyWriter, us: bigint | number): void {
  if (typeof us === 'number') return w.int8(us);
  w.ensure(12);
  w.buf.writeInt32BE(8, w.pos);
  w.buf.writeBigInt64BE(us, w.pos + 4);
  w.pos += 12;
}

/** jsonb: version 1, then the JSON text (parsed by the engine as `::jsonb` would). */
function jsonb(w: CopyWriter, text: string): void {
  w.ensure(5 + text.length * 3);
  const at = w.pos + 5;
  const n = w.buf.write(text, at, 'utf8');
  w.buf.writeInt32BE(n + 1, w.pos);
  w.buf[w.pos + 4] = 1;
  w.pos = at + n;
}

const words = new Uint32Array(4);

/** cidr of a network text, or false when it is not one the engine would take as it is. */
function cidr(w: CopyWriter, net: string): boolean {
  const code = parseCidrInto(net, words);
  if (code === CIDR_INVALID || code === CIDR_HOST_BITS) return false;
  const v6 = code >> 8 === 6;
  const nb = v6 ? 16 : 4;
  w.ensure(8 + nb);
  w.buf.writeInt32BE(4 + nb, w.pos);
  w.buf[w.pos + 4] = v6 ? 3 : 2; // PGSQL_AF_INET6 / PGSQL_AF_INET
  w.buf[w.pos + 5] = code & 0xff;
  w.buf[w.pos + 6] = 1; // cidr
  w.buf[w.pos + 7] = nb;
  w.pos += 8;
  for (let k = 0; k < nb / 4; k++) {
    w.buf.writeUInt32BE(words[k]!, w.pos);
    w.pos += 4;
  }
  return true;
}

export const OBJECT_COLUMNS = 'id, modified, created, type, spec_version, date_added, tlp, pap, source, revoked, label, object, sha256';

/** The object versions as one COPY stream (columns OBJECT_COLUMNS), or null when a time cannot be encoded exactly. */
export function encodeObjects(rows: readonly NewObjectRow[]): Buffer | null {
  const w = new CopyWriter(rows.reduce((n, r) => n + r.object.length, 0) * 1.1 + rows.length * 300);
  // Objects of a bundle share a few times (and the import's date_added): each is parsed once.
  const times = new Map<string, number | bigint | null>();
  const micros = (ts: string) => {
    let v = times.get(ts);
    if (v === undefined) times.set(ts, (v = pgMicros(ts)));
    return v;
  };
  for (const r of rows) {
    const modified = micros(r.modified);
    const created = micros(r.created);
    const dateAdded = micros(r.date_added.toISOString());
    if (modified === null || created === null || dateAdded === null) return null;
    w.i16(13);
    w.text(r.id);
    timestamptz(w, modified);
    timestamptz(w, created);
    w.text(r.type);
    w.text(r.spec_version);
    timestamptz(w, dateAdded);
    w.text(r.tlp);
    w.textOrNull(r.pap);
    w.text(r.source);
    w.bool(r.revoked);
    w.textOrNull(r.label);
    jsonb(w, r.object);
    w.text(r.sha256);
  }
  return w.end();
}

export const OBSERVABLE_COLUMNS = 'object_id, kind, value, net, origin';

/** Observables as one COPY stream (columns OBSERVABLE_COLUMNS), or null when a network cannot be encoded. */
export function encodeObservables(rows: readonly ObservableRow[]): Buffer | null {
  const w = new CopyWriter(rows.length * 120);
  for (const r of rows) {
    w.i16(5);
    w.text(r.object_id);
    w.text(r.kind);
    w.text(r.value);
    if (r.net === null) w.nul();
    else if (!cidr(w, r.net)) return null;
    w.text(r.origin);
  }
  return w.end();
}

export const EDGE_COLUMNS = 'id, source_ref, target_ref, relationship_type';

export function encodeEdges(rows: readonly EdgeRow[]): Buffer {
  const w = new CopyWriter(rows.length * 200);
  for (const r of rows) {
    w.i16(4);
    w.text(r.id);
    w.text(r.source_ref);
    w.text(r.target_ref);
    w.text(r.relationship_type);
  }
  return w.end();
}
