// SHA-256 (FIPS 180-4) for the proof of work of the public report form: synchronous and
// allocation-free per hash, so a Web Worker can try hundreds of thousands of nonces per second
// (crypto.subtle is asynchronous per call, which is far slower for many tiny inputs).

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const H0 = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

const W = new Uint32Array(64);
const H = new Uint32Array(8);
let block = new Uint8Array(128);

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

function compress(buf: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    W[i] = ((buf[j] as number) << 24) | ((buf[j + 1] as number) << 16) | ((buf[j + 2] as number) << 8) | (buf[j + 3] as number);
  }
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15] as number;
    const w2 = W[i - 2] as number;
    const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
    W[i] = ((W[i - 16] as number) + s0 + (W[i - 7] as number) + s1) | 0;
  }
  let a = H[0] as number, b = H[1] as number, c = H[2] as number, d = H[3] as number;
  let e = H[4] as number, f = H[5] as number, g = H[6] as number, h = H[7] as number;
  for (let i = 0; i < 64; i++) {
    const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + (K[i] as number) + (W[i] as number)) | 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  H[0] = ((H[0] as number) + a) | 0;
  H[1] = ((H[1] as number) + b) | 0;
  H[2] = ((H[2] as number) + c) | 0;
  H[3] = ((H[3] as number) + d) | 0;
  H[4] = ((H[4] as number) + e) | 0;
  H[5] = ((H[5] as number) + f) | 0;
  H[6] = ((H[6] as number) + g) | 0;
  H[7] = ((H[7] as number) + h) | 0;
}

/** The digest of the first `length` bytes of `msg`, as eight big-endian words (reused between calls). */
export function sha256Words(msg: Uint8Array, length = msg.length): Uint32Array {
  const padded = ((length + 9 + 63) >> 6) << 6;
  if (block.length < padded) block = new Uint8Array(padded * 2);
  block.set(msg.subarray(0, length));
  block.fill(0, length, padded);
  block[length] = 0x80;
  const bits = length * 8;
  block[padded - 5] = Math.floor(bits / 2 ** 32) & 0xff;
  block[padded - 4] = (bits >>> 24) & 0xff;
  block[padded - 3] = (bits >>> 16) & 0xff;
  block[padded - 2] = (bits >>> 8) & 0xff;
  block[padded - 1] = bits & 0xff;
  H.set(H0);
  for (let off = 0; off < padded; off += 64) compress(block, off);
  return H;
}

/** Hex digest (for checks). */
export function sha256Hex(msg: Uint8Array): string {
  return Array.from(sha256Words(msg), (w) => (w >>> 0).toString(16).padStart(8, '0')).join('');
}

/** Leading zero bits of a digest given as words. */
export function leadingZeroBits(words: Uint32Array): number {
  let bits = 0;
  for (const w of words) {
    if (w === 0) {
      bits += 32;
      continue;
    }
    return bits + Math.clz32(w);
  }
  return bits;
}

/**
 * Tries nonces start, start+1, ... (base 36) for at most `count` attempts; returns the first whose
 * SHA-256(challenge + nonce) has `difficulty` leading zero bits, or null.
 */
export function searchNonce(challenge: string, difficulty: number, start: number, count: number): string | null {
  const prefix = new TextEncoder().encode(challenge);
  const buf = new Uint8Array(prefix.length + 16);
  buf.set(prefix);
  for (let n = start; n < start + count; n++) {
    const nonce = n.toString(36);
    for (let i = 0; i < nonce.length; i++) buf[prefix.length + i] = nonce.charCodeAt(i);
    if (leadingZeroBits(sha256Words(buf, prefix.length + nonce.length)) >= difficulty) return nonce;
  }
  return null;
}
