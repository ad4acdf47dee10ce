import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretBox, lazySecretBox, parseKey } from './secrets.ts';
import { codeOf } from '../test-support/errors.ts';

const key = (c: string) => parseKey(c.repeat(64));

describe('secret box', () => {
  it('seals with a random IV and opens again; the sealed text does not contain the secret', () => {
    const box = createSecretBox(key('1'));
    const a = box.seal('s3cret-token');
    expect(a).not.toContain('s3cret');
    expect(a).not.toBe(box.seal('s3cret-token'));
    expect(box.open(a)).toBe('s3cret-token');
  });

  it('names a wrong key and refuses an edited ciphertext', () => {
    const sealed = createSecretBox(key('1')).seal('x');
    expect(codeOf(() => createSecretBox(key('2')).open(sealed))).toBe('secrets.wrong_key');
    const parts = sealed.split('.');
    parts[4] = Buffer.from('y').toString('base64url');
    expect(codeOf(() => createSecretBox(key('1')).open(parts.join('.')))).toBe('secrets.unreadable');
    expect(codeOf(() => createSecretBox(key('1')).open('garbage'))).toBe('secrets.unreadable');
  });

  it('accepts the key as hex or base64', () => {
    const raw = Buffer.alloc(32, 7);
    expect(parseKey(raw.toString('hex')).equals(raw)).toBe(true);
    expect(parseKey(raw.toString('base64')).equals(raw)).toBe(true);
  });

  it('creates <dataDir>/secrets.key (mode 0600) on first use and reuses it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-secrets-'));
    try {
      const sealed = lazySecretBox({ secretsKey: undefined, dataDir: dir }).seal('abc');
      const file = path.join(dir, 'secrets.key');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(lazySecretBox({ secretsKey: undefined, dataDir: dir }).open(sealed)).toBe('abc');
      expect(lazySecretBox({ secretsKey: fs.readFileSync(file, 'utf8').trim(), dataDir: '/nonexistent' }).open(sealed)).toBe('abc');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
