import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as openpgp from 'openpgp';

// Helpers for tests that read the raw e-mails the loopback SMTP server received.

export type MimePart = { headers: string; body: string };

function boundaryOf(headers: string): string | null {
  const unfolded = headers.replace(/\r?\n[ \t]+/g, ' ');
  return /^content-type:[^\n]*boundary="?([^";\r\n]+)"?/im.exec(unfolded)?.[1] ?? null;
}

/** Splits an entity (headers + body) into its parts, byte-exact (the CRLF before a delimiter is not part of a part). */
export function splitMultipart(entity: string): { headers: string; parts: string[] } {
  const at = entity.indexOf('\r\n\r\n');
  const headers = entity.slice(0, at);
  const body = entity.slice(at + 4);
  const boundary = boundaryOf(headers);
  if (!boundary) return { headers, parts: [] };
  const delimiter = `--${boundary}`;
  const pieces = `\r\n${body}`.split(`\r\n${delimiter}`);
  // pieces[0] is the preamble; the last starts with "--" (the close delimiter).
  const parts = pieces.slice(1, -1).map((p) => p.replace(/^[ \t]*\r\n/, ''));
  return { headers, parts };
}

/** The decoded attachments of a message (any nesting), by file name. */
export function attachmentsOf(entity: string): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  const visit = (e: string) => {
    const { headers, parts } = splitMultipart(e);
    if (parts.length) return parts.forEach(visit);
    const name = /filename="?([^";\r\n]+)"?/i.exec(headers.replace(/\r?\n[ \t]+/g, ' '))?.[1];
    if (!name) return;
    const body = e.slice(e.indexOf('\r\n\r\n') + 4);
    found.set(name, /content-transfer-encoding:\s*base64/i.test(headers) ? Buffer.from(body.replace(/\s+/g, ''), 'base64') : Buffer.from(body, 'utf8'));
  };
  visit(entity);
  return found;
}

/** A fresh OpenPGP key pair; the private key is written (passphrase-protected) to a temporary file. */
export async function createSigningKeyFile(passphrase = 'digest signing passphrase') {
  const { privateKey, publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Vigil CERT', email: 'cert@cert.example' }], passphrase, format: 'armored' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-pgp-'));
  const file = path.join(dir, 'signing-key.asc');
  fs.writeFileSync(file, privateKey, { mode: 0o600 });
  return { file, passphrase, publicKey, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Checks a PGP/MIME (RFC 3156) message: returns the signed part and whether the detached
 * signature verifies over its exact bytes with `armoredPublicKey`.
 */
export async function verifyPgpMime(raw: string, armoredPublicKey: string): Promise<{ isValid: boolean; signedPart: string; contentType: string }> {
  const { headers, parts } = splitMultipart(raw);
  const contentType = /^content-type:([^\n]*(\r?\n[ \t][^\n]*)*)/im.exec(headers)?.[1]?.replace(/\s+/g, ' ').trim() ?? '';
  const [signedPart, signaturePart] = parts;
  if (signedPart === undefined || signaturePart === undefined) return { isValid: false, signedPart: '', contentType };
  const armoredSignature = signaturePart.slice(signaturePart.indexOf('-----BEGIN PGP SIGNATURE-----'));
  const result = await openpgp.verify({
    message: await openpgp.createMessage({ binary: Buffer.from(signedPart, 'latin1') }),
    signature: await openpgp.readSignature({ armoredSignature }),
    verificationKeys: await openpgp.readKey({ armoredKey: armoredPublicKey }),
  });
  const isValid = await (result.signatures[0]?.verified ?? Promise.resolve(false)).catch(() => false);
  return { isValid, signedPart, contentType };
}
