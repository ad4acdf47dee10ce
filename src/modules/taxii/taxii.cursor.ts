import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';

const KEY_SETTING = 'taxii.cursor_key';

/**
 * Stateless keyset cursors over the store's `seq`: `base64url(json).base64url(hmac)`, bound to one
 * collection (or object). A cursor whose signature does not match, or that names another
 * collection, is a 400; nothing is kept on the server, so cursors never expire.
 */
export function createCursorCodec(deps: { db: Kysely<DB>; key?: Buffer }) {
  let key: Promise<Buffer> | undefined = deps.key ? Promise.resolve(deps.key) : undefined;

  // One key per installation, shared by every process through the settings table (first writer wins).
  async function loadKey(): Promise<Buffer> {
    const fresh = randomBytes(32).toString('hex');
    await deps.db.insertInto('settings').values({ key: KEY_SETTING, value: JSON.stringify(fresh) }).onConflict((oc) => oc.column('key').doNothing()).execute();
    const row = await deps.db.selectFrom('settings').select('value').where('key', '=', KEY_SETTING).executeTakeFirstOrThrow();
    return Buffer.from(row.value as string, 'hex');
  }

  const sign = (k: Buffer, body: string) => createHmac('sha256', k).update(body).digest('base64url');

  return {
    async encode(scope: string, seq: number): Promise<string> {
      key ??= loadKey();
      const body = Buffer.from(JSON.stringify({ v: 1, c: scope, s: seq })).toString('base64url');
      return `${body}.${sign(await key, body)}`;
    },
    /** The seq after which to continue, or 400 `taxii.invalid_next`. */
    async decode(scope: string, cursor: string): Promise<number> {
      key ??= loadKey();
      const invalid = new AppError('taxii.invalid_next', 'The next parameter is not valid for this request', 400);
      const [body = '', mac = ''] = cursor.split('.');
      const expected = Buffer.from(sign(await key, body));
      const given = Buffer.from(mac);
      if (!body || given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid;
      try {
        const v = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { v?: unknown; c?: unknown; s?: unknown };
        if (v.v === 1 && v.c === scope && Number.isSafeInteger(v.s) && (v.s as number) >= 0) return v.s as number;
      } catch {
        // fall through
      }
      throw invalid;
    },
  };
}

export type CursorCodec = ReturnType<typeof createCursorCodec>;
