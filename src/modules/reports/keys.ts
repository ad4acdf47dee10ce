/** The module's server secret (in `settings`, made on first use) and the keys derived from it. */
import { createHmac, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { parseIPv4, parseIPv6 } from '../../platform/lookup-index/index.ts';
import type { ReportsRepository } from './reports.repository.ts';

const SETTING = 'reports.server_secret';

export type Keyring = { pow(): Promise<Buffer>; addressHash(ip: string): Promise<string> };

/**
 * The whole address for IPv4 (and IPv4-mapped IPv6); the /64 for IPv6, since anyone holding one
 * IPv6 address holds its whole /64 and could otherwise rotate through it.
 */
export function addressSubject(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped && parseIPv4(mapped[1] as string) !== null) return mapped[1] as string;
  const v6 = parseIPv6(ip);
  if (v6) return `${[v6[0], v6[1]].map((w) => (w as number).toString(16).padStart(8, '0')).join('')}/64`;
  return ip;
}

/** A lazily computed value, cached once it succeeds (a failure is retried on the next call). */
function cached<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | null = null;
  return () =>
    (value ??= make().catch((err: unknown) => {
      value = null;
      throw err;
    }));
}

/** Loads the secret once per process; every process shares the first one written. */
export function createKeyring(db: Kysely<DB>, repo: ReportsRepository): Keyring {
  const master = cached(async () => Buffer.from(await repo.settingOrCreate(db, SETTING, randomBytes(32).toString('hex')), 'hex'));
  const derive = (label: string) => cached(async () => createHmac('sha256', await master()).update(label).digest());
  const powKey = derive('pow');
  const addressKey = derive('client-address');
  return {
    pow: powKey,
    async addressHash(ip: string) {
      return createHmac('sha256', await addressKey()).update(addressSubject(ip)).digest('hex').slice(0, 32);
    },
  };
}
