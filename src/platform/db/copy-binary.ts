/**
 * PostgreSQL's binary COPY format, written and read without text conversion: on the embedded
 * engine (PGlite, WASM) values cross as bytes, where text would be escaped, copied as JavaScript
 * strings and parsed again inside the engine. Used by the pipeline (events, report chunks) and
 * intel (objects, observables, edges, correlation samples).
 */

/** A uuid's 16 bytes. */
export const uuidBytes = (u: string): Buffer => Buffer.from(u.replaceAll('-', ''), 'hex');

// Value of each ASCII hex digit, -1 for other characters.
const HEX = new Int8Array(128).fill(-1);
for (let d = 0; d < 16; d++) {
  HEX['0123456789abcdef'.charCodeAt(d)] = d;
  HEX['0123456789ABCDEF'.charCodeAt(d)] = d;
}

const PG_EPOCH_US = 946_684_800_000_000; // 2000-01-01 in µs since 1970
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** A growable buffer writing a PostgreSQL binary COPY stream: the header, then fields; end() closes it. */
export class CopyWriter {
  buf: Buffer;
  pos = 0;

  constructor(bytes: number) {
    this.buf = Buffer.allocUnsafe(Math.max(1024, bytes));
    this.buf.set(SIGNATURE, 0);
    this.pos = SIGNATURE.length;
    this.int4(0); // flags (0) and header extension length (0)
  }

  /** The stream, with its trailer. */
  end(): Buffer {
    this.i16(-1);
    return this.buf.subarray(0, this.pos);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A 32-bit word, big-endian, without Buffer's checks (ensure() was called). */
  private word(v: number): void {
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 24;
    b[p + 1] = v >>> 16;
    b[p + 2] = v >>> 8;
    b[p + 3] = v;
    this.pos = p + 4;
  }

  i16(v: number): void {
    this.ensure(2);
    this.buf[this.pos++] = v >> 8;
    this.buf[this.pos++] = v;
  }

  nul(): void {
    this.ensure(4);
    this.word(-1);
  }

  int4(v: number): void {
    this.ensure(8);
    this.word(4);
    this.word(v);
  }

  /** A bool field. */
  bool(v: boolean): void {
    this.ensure(5);
    this.buf.writeInt32BE(1, this.pos);
    this.buf[this.pos + 4] = v ? 1 : 0;
    this.pos += 5;
  }

  /** int8 from a safe integer (no BigInt). */
  int8(v: number): void {
    this.ensure(12);
    const hi = Math.floor(v / 4294967296);
    this.word(8);
    this.word(hi);
    this.word(v - hi * 4294967296);
  }

  /** A uuid from its text (8-4-4-4-12 hex digits), or false when it is not one. */
  uuid(u: string): boolean {
    if (u.length !== 36) return false;
    this.ensure(20);
    const start = this.pos;
    this.word(16);
    for (let i = 0; i < 36; i += 2) {
      if (i === 8 || i === 13 || i === 18 || i === 23) i++;
      const hi = HEX[u.charCodeAt(i) & 127]!;
      const lo = HEX[u.charCodeAt(i + 1) & 127]!;
      if ((hi | lo) < 0) {
        this.pos = start;
        return false;
      }
      this.buf[this.pos++] = (hi << 4) | lo;
    }
    return true;
  }

  /** timestamptz from epoch milliseconds. */
  time(ms: number): void {
    this.int8(ms * 1000 - PG_EPOCH_US);
  }

  bytes(b: Uint8Array): void {
    this.ensure(4 + b.length);
    this.word(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Text as UTF-8; short ASCII strings byte by byte (cheaper than a Buffer#write call). */
  text(s: string): void {
    const len = s.length;
    this.ensure(4 + len * 3);
    const buf = this.buf;
    const at = this.pos + 4;
    let n = -1;
    if (len <= 64) {
      n = len;
      for (let i = 0; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 128) {
          n = -1;
          break;
        }
        buf[at + i] = c;
      }
    }
    if (n < 0) n = buf.write(s, at, 'utf8');
    this.word(n);
    this.pos = at + n;
  }

  textOrNull(s: string | null): void {
    if (s === null) this.nul();
    else this.text(s);
  }

  /** inet of an IPv4 address (uint32) or of the IPv6 words just parsed. */
  inet(v4: number, v6: Uint32Array | null): void {
    const nb = v6 ? 16 : 4;
    this.ensure(8 + nb);
    this.word(4 + nb);
    this.buf[this.pos++] = v6 ? 3 : 2; // PGSQL_AF_INET6 / PGSQL_AF_INET
    this.buf[this.pos++] = v6 ? 128 : 32;
    this.buf[this.pos++] = 0; // not cidr
    this.buf[this.pos++] = nb;
    if (v6) for (const w of v6) this.word(w);
    else this.word(v4);
  }
}

/** The first field of the first row of a binary COPY stream (a `COPY (select one column) TO` answer), or null. */
export function firstField(stream: Uint8Array): Buffer | null {
  const b = Buffer.from(stream.buffer, stream.byteOffset, stream.byteLength);
  let pos = SIGNATURE.length + 4;
  if (b.length < pos + 4) return null;
  pos += 4 + b.readInt32BE(pos); // header extension
  if (b.readInt16BE(pos) < 1) return null; // trailer: no row
  const len = b.readInt32BE(pos + 2);
  return len < 0 ? null : b.subarray(pos + 6, pos + 6 + len);
}

/**
 * A binary COPY stream keeping only some of the rows of another one: `stream` is header, rows,
 * trailer; row i spans offsets[i]..offsets[i + 1]. When every row is kept, `stream` itself.
 */
export function keepRows(stream: Uint8Array, offsets: Uint32Array, keep: readonly boolean[]): Uint8Array {
  const n = offsets.length - 1;
  let bytes = 0;
  let all = true;
  for (let i = 0; i < n; i++) {
    if (keep[i] === true) bytes += offsets[i + 1]! - offsets[i]!;
    else all = false;
  }
  if (all) return stream;
  const head = n > 0 ? offsets[0]! : stream.length - 2;
  const out = new Uint8Array(head + bytes + 2);
  out.set(stream.subarray(0, head), 0);
  let pos = head;
  for (let i = 0; i < n; i++) {
    if (keep[i] !== true) continue;
    out.set(stream.subarray(offsets[i]!, offsets[i + 1]!), pos);
    pos += offsets[i + 1]! - offsets[i]!;
  }
  out[pos] = 0xff; // trailer: int16 -1
  out[pos + 1] = 0xff;
  return out;
}
