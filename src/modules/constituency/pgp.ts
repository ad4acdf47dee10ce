import { createHash } from 'node:crypto';
import type { Result } from '../../platform/lookup-index/index.ts';

const ARMOR = /-----BEGIN PGP PUBLIC KEY BLOCK-----\r?\n([\s\S]*?)-----END PGP PUBLIC KEY BLOCK-----/;

function bad(message: string): Result<string> {
  return { ok: false, code: 'contact.invalid_pgp_key', message };
}

// Reads one OpenPGP packet header (RFC 4880 4.2); returns tag, body start and body length.
function packetAt(buf: Buffer, pos: number): { tag: number; start: number; length: number } | null {
  const head = buf[pos];
  if (head === undefined || (head & 0x80) === 0) return null;
  if (head & 0x40) {
    const tag = head & 0x3f;
    const o1 = buf[pos + 1];
    if (o1 === undefined) return null;
    if (o1 < 192) return { tag, start: pos + 2, length: o1 };
    if (o1 < 224) return { tag, start: pos + 3, length: ((o1 - 192) << 8) + (buf[pos + 2] ?? 0) + 192 };
    if (o1 === 255 && pos + 6 <= buf.length) return { tag, start: pos + 6, length: buf.readUInt32BE(pos + 2) };
    return null;
  }
  const tag = (head >> 2) & 0x0f;
  const lt = head & 0x03;
  if (lt === 0) return { tag, start: pos + 2, length: buf[pos + 1] ?? 0 };
  if (lt === 1 && pos + 3 <= buf.length) return { tag, start: pos + 3, length: buf.readUInt16BE(pos + 1) };
  if (lt === 2 && pos + 5 <= buf.length) return { tag, start: pos + 5, length: buf.readUInt32BE(pos + 1) };
  return null;
}

/**
 * Validates an ASCII-armored OpenPGP public key and returns its primary key fingerprint
 * (v4: SHA-1 over 0x99, the 2-byte length and the key packet; v6: SHA-256 per RFC 9580).
 */
export function pgpFingerprint(armored: string): Result<string> {
  const m = ARMOR.exec(armored);
  if (!m) return bad('Not an ASCII-armored OpenPGP public key block');
  const lines = (m[1] ?? '').split(/\r?\n/);
  const blank = lines.findIndex((l) => l.trim() === '');
  const body = lines
    .slice(blank + 1)
    .filter((l) => !l.startsWith('='))
    .join('');
  if (!/^[A-Za-z0-9+/=\s]+$/.test(body)) return bad('The key block is not valid base64');
  const buf = Buffer.from(body, 'base64');
  const packet = packetAt(buf, 0);
  if (!packet || packet.tag !== 6 || packet.start + packet.length > buf.length) return bad('The key block does not start with a public-key packet');
  const key = buf.subarray(packet.start, packet.start + packet.length);
  const version = key[0];
  if (version === 4) {
    const prefix = Buffer.from([0x99, (key.length >> 8) & 0xff, key.length & 0xff]);
    return { ok: true, value: createHash('sha1').update(prefix).update(key).digest('hex').toUpperCase() };
  }
  if (version === 6) {
    const prefix = Buffer.alloc(5);
    prefix[0] = 0x9b;
    prefix.writeUInt32BE(key.length, 1);
    return { ok: true, value: createHash('sha256').update(prefix).update(key).digest('hex').toUpperCase() };
  }
  return bad(`OpenPGP key version ${version ?? '?'} is not supported (v4 or v6 expected)`);
}
