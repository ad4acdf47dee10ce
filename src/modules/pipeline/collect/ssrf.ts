import dns from 'node:dns';
import net from 'node:net';
import { AppError } from '../../../platform/errors.ts';

// Server-side request forgery guard: a feed URL may only reach public unicast addresses.

const V4_BLOCKED: readonly [string, number, string][] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];
const V6_BLOCKED: readonly [string, number, string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'IPv4-compatible'],
  ['100::', 64, 'discard'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique local (incl. fd00:ec2::254 metadata)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

const v4List = new net.BlockList();
const v6List = new net.BlockList();
for (const [a, p] of V4_BLOCKED) v4List.addSubnet(a, p, 'ipv4');
for (const [a, p] of V6_BLOCKED) v6List.addSubnet(a, p, 'ipv6');

function v4Reason(ip: string): string | null {
  if (!v4List.check(ip, 'ipv4')) return null;
  const hit = V4_BLOCKED.find(([a, p]) => {
    const one = new net.BlockList();
    one.addSubnet(a, p, 'ipv4');
    return one.check(ip, 'ipv4');
  });
  return hit?.[2] ?? 'reserved';
}

/** The 16 bytes of a valid IPv6 address (`::` and a trailing dotted quad expanded). */
function v6Bytes(ip: string): number[] {
  let s = ip.split('%')[0] ?? '';
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [h = '', t = ''] = s.split('::');
  const head = h ? h.split(':') : [];
  const tail = t ? t.split(':') : [];
  const groups = s.includes('::') ? [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail] : head;
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 255];
  });
}

/** Why `ip` may not be fetched from (a short reason), or null for a public unicast address. */
export function forbiddenReason(ip: string): string | null {
  const family = net.isIP(ip);
  if (family === 4) return v4Reason(ip);
  if (family !== 6) return 'not an IP address';
  const b = v6Bytes(ip);
  const zeros = (n: number) => b.slice(0, n).every((x) => x === 0);
  const quad = (o: number) => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
  // IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address.
  if (zeros(10) && b[10] === 255 && b[11] === 255) return v4Reason(quad(12)) ?? null;
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && b.slice(4, 12).every((x) => x === 0)) return v4Reason(quad(12));
  if (b[0] === 0x20 && b[1] === 0x02) return v4Reason(quad(2));
  if (!v6List.check(ip, 'ipv6')) return null;
  const hit = V6_BLOCKED.find(([a, p]) => {
    const one = new net.BlockList();
    one.addSubnet(a, p, 'ipv6');
    return one.check(ip, 'ipv6');
  });
  return hit?.[2] ?? 'reserved';
}

function refuse(host: string, ip: string, reason: string): AppError {
  return new AppError('feed.url_forbidden', `The feed URL points at ${ip === host ? ip : `${host} (${ip})`}, a ${reason} address; feeds may only reach public addresses`, 400, { field: 'config.url', address: ip, reason });
}

export type SsrfPolicy = { allowPrivate: boolean };

/** Strips the brackets of an IPv6 URL host. */
export function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * Resolves the host of `url` and refuses it (400 `feed.url_forbidden`) when any address it has is
 * not public. Used when a feed is created or changed; connections re-check through `guardedLookup`.
 */
export async function assertPublicUrl(url: string, policy: SsrfPolicy): Promise<void> {
  if (policy.allowPrivate) return;
  const host = bareHost(new URL(url).hostname);
  const addresses = net.isIP(host) ? [host] : await resolveAll(host);
  for (const ip of addresses) {
    const reason = forbiddenReason(ip);
    if (reason) throw refuse(host, ip, reason);
  }
}

async function resolveAll(host: string): Promise<string[]> {
  try {
    return (await dns.promises.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    throw new AppError('feed.url_unresolvable', `The host ${host} of the feed URL does not resolve`, 400, { field: 'config.url', host });
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request: resolves, refuses the connection when any address is not public,
 * and hands the socket exactly the address that was checked (no DNS rebinding between check and
 * connect). IP-literal hosts never reach a lookup: check them with `assertPublicUrl` first.
 */
export function guardedLookup(policy: SsrfPolicy) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as dns.LookupAddress[];
      if (!policy.allowPrivate) {
        for (const a of list) {
          const reason = forbiddenReason(a.address);
          if (reason) return callback(Object.assign(refuse(hostname, a.address, reason), { errno: 0, syscall: 'lookup' }) as unknown as NodeJS.ErrnoException, []);
        }
      }
      if (options.all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}
