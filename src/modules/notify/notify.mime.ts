import fs from 'node:fs/promises';
import MimeNode from 'nodemailer/lib/mime-node';
import * as openpgp from 'openpgp';

/** A file carried by an e-mail notification. */
export type MailAttachment = { filename: string; contentType: string; content: Buffer };

/** The headers of an outgoing e-mail that do not depend on its body. */
export type MailHeaders = { from: string; to: string; subject: string; messageId: string; extra: Record<string, string> };

export type SigningKeySettings = { file: string; passphrase?: string | undefined };

/** An unlocked OpenPGP private key, loaded once per process from the configured file. */
export type SigningKey = { key: openpgp.PrivateKey; fingerprint: string };

/**
 * Reads an ASCII-armored (or binary) OpenPGP private key and unlocks it with the passphrase when
 * it is encrypted. Throws a message without the passphrase on any failure.
 */
export async function loadSigningKey(settings: SigningKeySettings): Promise<SigningKey> {
  const bytes = await fs.readFile(settings.file);
  const text = bytes.toString('utf8');
  const key = text.includes('-----BEGIN PGP PRIVATE KEY BLOCK-----')
    ? await openpgp.readPrivateKey({ armoredKey: text })
    : await openpgp.readPrivateKey({ binaryKey: new Uint8Array(bytes) });
  const unlocked = key.isDecrypted() ? key : await openpgp.decryptKey({ privateKey: key, passphrase: settings.passphrase ?? '' });
  return { key: unlocked, fingerprint: unlocked.getFingerprint().toUpperCase() };
}

async function buildNode(node: MimeNode): Promise<Buffer> {
  return new Promise((resolve, reject) => node.build((err, out) => (err ? reject(err) : resolve(out))));
}

function fillContent(parent: MimeNode, text: string, attachments: readonly MailAttachment[]): void {
  parent.createChild('text/plain; charset=utf-8').setContent(text);
  for (const a of attachments) parent.createChild(a.contentType, { filename: a.filename }).setHeader('Content-Transfer-Encoding', 'base64').setContent(a.content);
}

function setHeaders(root: MimeNode, h: MailHeaders): void {
  root.setHeader('From', h.from);
  root.setHeader('To', h.to);
  root.setHeader('Subject', h.subject);
  root.setHeader('Message-ID', h.messageId);
  for (const [k, v] of Object.entries(h.extra)) root.setHeader(k, v);
}

/**
 * A PGP/MIME signed message (RFC 3156): `multipart/signed` with the body (text and attachments,
 * every part 7-bit safe: quoted-printable or base64) as the first part and a detached,
 * ASCII-armored signature over exactly its bytes (CRLF line ends) as the second.
 */
export async function buildSignedMessage(h: MailHeaders, text: string, attachments: readonly MailAttachment[], signer: SigningKey): Promise<Buffer> {
  const root = new MimeNode('multipart/signed');
  setHeaders(root, h);
  const body = attachments.length ? root.createChild('multipart/mixed') : root.createChild('text/plain; charset=utf-8');
  if (attachments.length) fillContent(body, text, attachments);
  else body.setContent(text);
  // Quoted-printable keeps trailing spaces and "From " lines intact through any relay (RFC 3156 5).
  if (!attachments.length) body.setHeader('Content-Transfer-Encoding', 'quoted-printable');
  // Every part is 7-bit (quoted-printable or base64), so this only turns bare LFs into the CRLFs the
  // message travels with: the signature covers exactly what the receiver gets (RFC 3156 5).
  const signed = Buffer.from((await buildNode(body)).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
  // The exact signed bytes go out, never a rebuilt copy (a raw leaf: no children streamed again).
  body.replace(new MimeNode().setRaw(signed));
  const armored = await openpgp.sign({
    message: await openpgp.createMessage({ binary: new Uint8Array(signed) }),
    signingKeys: signer.key,
    detached: true,
    format: 'armored',
  });
  const signature = await openpgp.readSignature({ armoredSignature: armored });
  const hash = openpgp.enums.read(openpgp.enums.hash, signature.packets[0]?.hashAlgorithm ?? openpgp.enums.hash.sha256).toLowerCase();
  root.setHeader('Content-Type', `multipart/signed; protocol="application/pgp-signature"; micalg=pgp-${hash}`);
  const sigNode = root.createChild('application/pgp-signature', { filename: 'signature.asc' });
  sigNode.setHeader('Content-Description', 'OpenPGP digital signature');
  sigNode.setHeader('Content-Disposition', 'attachment');
  sigNode.setHeader('Content-Transfer-Encoding', '7bit');
  sigNode.setContent(armored);
  return buildNode(root);
}
