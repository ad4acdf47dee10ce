import { describe, it, expect } from 'vitest';
import { pgpFingerprint } from './pgp.ts';

// Throwaway keys made for this test with GnuPG 2.2.40 in a temporary GNUPGHOME:
//   gpg --batch --passphrase '' --quick-gen-key 'Test <soc@example.org>' ed25519 default never
//   gpg --batch --passphrase '' --quick-gen-key 'RSA Test <rsa@example.org>' rsa2048 sign never
// and exported with `gpg --armor --export`; the fingerprints are the ones gpg printed.
const ED25519_KEY = [
  '-----BEGIN PGP PUBLIC KEY BLOCK-----',
  '',
  'mDMEawG6FBYJKwYBBAHaRw8BAQdAbm2Y3rub3rHOaJsjtlACHg4yCW1NldGj+K5w',
  'PIwN/5+0FlRlc3QgPHNvY0BleGFtcGxlLm9yZz6IkAQTFggAOBYhBPDMcuy0/gip',
  'kBGT296gVe+w7FK0BQJrAboUAhsDBQsJCAcCBhUKCQgLAgQWAgMBAh4BAheAAAoJ',
  'EN6gVe+w7FK0jQUBAMZHbPcNBJwlQJyzeQdQzthQfqXOAD3N5VVnIhSFLjLeAP47',
  'I73XJqjYMM5TfTLL14eCe3YeBtpwtT7QsTeeDUxaCQ==',
  '=FRJX',
  '-----END PGP PUBLIC KEY BLOCK-----',
].join('\n');
const ED25519_FPR = 'F0CC72ECB4FE08A9901193DBDEA055EFB0EC52B4';

const RSA_KEY = [
  '-----BEGIN PGP PUBLIC KEY BLOCK-----',
  '',
  'mQENBGsBuj0BCADCAaoPHv4z7cts67jjGp/+RQxfiIaAJj93EuHPUEiaz/Z9wn9l',
  '7ESdO1EkOORBmvFrzVQr5T66UhAjFtr7O99S5EFqMydqt3dfYy85lzmOJU2waqdj',
  'aEaqsWa1rpVM+5eXfDvHFWK29c5BJcmgd7B7s9cfqB6w5Nv0g9bpJPm7Bc2fIf3z',
  'KTtHkuJxzO82kjJkCx5FDwxXMP99WFPryJQJMSuWg5BetYCmXneRAnNJcKRpjwPn',
  'vXrWwoR4WRjLWgDERS2tcbDGo97v1kaLHnipAtXU35FLKG+i737hYqrrJ3Pq/SRN',
  'sm6jUXNi9kghlUPVJAtJzYG2SZN7IygGrCdNABEBAAG0GlJTQSBUZXN0IDxyc2FA',
  'ZXhhbXBsZS5vcmc+iQFOBBMBCgA4FiEEzkgQDn7bhsq5qzM8HQJa4IJCx3UFAmsB',
  'uj0CGwMFCwkIBwIGFQoJCAsCBBYCAwECHgECF4AACgkQHQJa4IJCx3WQOwgAsAl4',
  'abZIigGCaBid7+aQkd6hkvmE0p74jbudnW3f3l9ckaOY9H0YXxpsIgFO0W+9DhTx',
  'N1jVkmYVavwKUHTtOz1NZM1Z5BLeKbMcZx9bVSN8G13okG9p7E2apAoZXi1d9onG',
  'cZ2KsYQjRyTctkf9/OwLmA8pbV02FnxyYKrMZnpCCLmlYCDCNfZU1EH4Pm5OCikv',
  'wKTyqqC2vhjIVXFx2v8kxtucSKlH9p5UuKUdz4oRXNwwYr6aj+SGhj8hQXuFFVgR',
  'dHlaUhqwCNCnhn1PS5ycsdQhBdRCFKaWN5Ziww+mVUuI6lsTTRm8AfBnfgIEURDN',
  'Bfmx+m03wF43JFEQLA==',
  '=wdK/',
  '-----END PGP PUBLIC KEY BLOCK-----',
].join('\n');
const RSA_FPR = 'CE48100E7EDB86CAB9AB333C1D025AE08242C775';

// A synthetic secret-key packet (tag 5, version 4): enough to be refused, no real key material.
const ED25519_PRIVATE_BLOCK = [
  '-----BEGIN PGP PRIVATE KEY BLOCK-----',
  '',
  'lAYEawG6FBY=',
  '-----END PGP PRIVATE KEY BLOCK-----',
].join('\n');

/** The binary packets inside an armored block (base64 after the blank line, without the checksum). */
function packets(armored: string): Buffer {
  const lines = armored.split('\n');
  const start = lines.indexOf('') + 1;
  const end = lines.findIndex((l) => l.startsWith('-----END'));
  return Buffer.from(lines.slice(start, end).filter((l) => !l.startsWith('=')).join(''), 'base64');
}

/** Armors binary packets as a public key block (no checksum line, which the parser ignores). */
function armorPublic(buf: Buffer): string {
  const b64 = buf.toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return ['-----BEGIN PGP PUBLIC KEY BLOCK-----', '', ...lines, '-----END PGP PUBLIC KEY BLOCK-----', ''].join('\n');
}

function expectInvalid(armored: string): void {
  const r = pgpFingerprint(armored);
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.code).toBe('contact.invalid_pgp_key');
    expect(r.message).not.toBe('');
  }
}

describe('pgpFingerprint', () => {
  it('returns the fingerprint gpg prints for a v4 ed25519 key', () => {
    expect(pgpFingerprint(ED25519_KEY)).toEqual({ ok: true, value: ED25519_FPR });
  });

  it('returns the fingerprint gpg prints for a v4 RSA key (two-octet packet length)', () => {
    expect(pgpFingerprint(RSA_KEY)).toEqual({ ok: true, value: RSA_FPR });
  });

  it('accepts the key with CRLF line endings', () => {
    expect(pgpFingerprint(ED25519_KEY.replace(/\n/g, '\r\n'))).toEqual({ ok: true, value: ED25519_FPR });
  });

  it('accepts armor headers and text around the block', () => {
    const withHeaders = ED25519_KEY.replace('-----\n\n', '-----\nComment: soc@example.org\nVersion: test\n\n');
    expect(pgpFingerprint(`Our key:\n\n${withHeaders}\n\nThanks`)).toEqual({ ok: true, value: ED25519_FPR });
  });

  it('gives the same fingerprint when the key packet uses a new-format header', () => {
    const buf = packets(ED25519_KEY);
    expect(buf[0]).toBe(0x98);
    const len = buf[1] as number;
    const reheaded = Buffer.concat([Buffer.from([0xc6, len]), buf.subarray(2)]);
    expect(pgpFingerprint(armorPublic(reheaded))).toEqual({ ok: true, value: ED25519_FPR });
  });

  it('gives the same fingerprint when the key packet uses a new-format five-octet length', () => {
    const buf = packets(ED25519_KEY);
    const len = buf[1] as number;
    const reheaded = Buffer.concat([Buffer.from([0xc6, 0xff, 0, 0, 0, len]), buf.subarray(2)]);
    expect(pgpFingerprint(armorPublic(reheaded))).toEqual({ ok: true, value: ED25519_FPR });
  });

  it('rejects garbage text', () => {
    expectInvalid('this is not a key');
  });

  it('rejects an empty string', () => {
    expectInvalid('');
  });

  it('rejects a block whose body is not base64', () => {
    expectInvalid('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n***not base64***\n-----END PGP PUBLIC KEY BLOCK-----\n');
  });

  it('rejects a private key block', () => {
    expectInvalid(ED25519_PRIVATE_BLOCK);
  });

  it('rejects a secret-key packet wrapped in public key armor', () => {
    expectInvalid(ED25519_PRIVATE_BLOCK.replace(/PRIVATE KEY BLOCK/g, 'PUBLIC KEY BLOCK'));
  });

  it('rejects a key truncated inside the key packet', () => {
    const lines = ED25519_KEY.split('\n');
    const truncated = [...lines.slice(0, 3), '-----END PGP PUBLIC KEY BLOCK-----'].join('\n');
    expectInvalid(truncated);
  });

  it('rejects a block without its END line', () => {
    expectInvalid(ED25519_KEY.replace('-----END PGP PUBLIC KEY BLOCK-----', ''));
  });

  it('rejects a block that starts with a user ID packet instead of a key packet', () => {
    const buf = packets(ED25519_KEY);
    const afterKey = 2 + (buf[1] as number);
    expectInvalid(armorPublic(buf.subarray(afterKey)));
  });

  it('rejects a key packet of an unsupported version', () => {
    const buf = Buffer.from(packets(ED25519_KEY));
    buf[2] = 5;
    const r = pgpFingerprint(armorPublic(buf));
    expect(r).toMatchObject({ ok: false, code: 'contact.invalid_pgp_key' });
    if (!r.ok) expect(r.message).toContain('version 5');
  });
});
