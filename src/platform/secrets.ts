import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from './errors.ts';

const VERSION = 'v1';

/** Encrypts and decrypts the credentials Vigil uses to call partners and feeds (AES-256-GCM, random IV). */
export type SecretBox = { seal(plain: string): string; open(sealed: string): string };

/** The key's short fingerprint, stored with each ciphertext so a wrong key is named, not guessed. */
const fingerprint = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

/** A secret box over a 32-byte key. Sealed form: `v1.<key fingerprint>.<iv>.<tag>.<ciphertext>` (base64url). */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('the secrets key must be 32 bytes');
  const kid = fingerprint(key);
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, kid, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
    },
    open(sealed) {
      const [v, k, iv, tag, ct] = sealed.split('.');
      if (v !== VERSION || !iv || !tag || ct === undefined) throw new AppError('secrets.unreadable', 'A stored credential is malformed', 500);
      if (k !== kid) throw new AppError('secrets.wrong_key', `A stored credential was sealed with another secrets key (${k}); set VIGIL_SECRETS_KEY to that key or enter the credential again`, 409);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new AppError('secrets.unreadable', 'A stored credential cannot be decrypted (edited, or another key)', 409);
      }
    },
  };
}

/** Reads VIGIL_SECRETS_KEY (64 hex digits or base64 of 32 bytes). */
export function parseKey(text: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('VIGIL_SECRETS_KEY must be 32 bytes');
  return key;
}

/**
 * The secrets key: VIGIL_SECRETS_KEY when set; else `<dataDir>/secrets.key` (created on first use
 * with mode 0600 — keep it with backups of the data directory, and set VIGIL_SECRETS_KEY to the
 * same value on every host when several processes share a PostgreSQL server); an in-memory data
 * directory gets a key for the life of the process. Resolved lazily, on the first credential.
 */
export function lazySecretBox(opts: { secretsKey: string | undefined; dataDir: string }): SecretBox {
  let box: SecretBox | null = null;
  const get = () => (box ??= createSecretBox(opts.secretsKey ? parseKey(opts.secretsKey) : keyFromDataDir(opts.dataDir)));
  return { seal: (p) => get().seal(p), open: (s) => get().open(s) };
}

function keyFromDataDir(dataDir: string): Buffer {
  if (path.basename(dataDir) === 'memory:') return randomBytes(32);
  const file = path.join(dataDir, 'secrets.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    try {
      fs.writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return parseKey(fs.readFileSync(file, 'utf8').trim());
}
