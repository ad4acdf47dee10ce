import net from 'node:net';
import type { Context } from 'hono';

/** The peer address of the TCP connection ('unknown' for in-process requests in tests). */
export function clientIp(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

// An IPv4 address as an IPv6 socket reports it (::ffff:192.0.2.1) is the IPv4 address.
const plain = (ip: string) => (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip) ? ip.slice(7) : ip);

/** Whether `cidr` is an IPv4 or IPv6 address with an optional /prefix in range; for config validation. */
export function isCidr(cidr: string): boolean {
  const [address = '', prefix, ...rest] = cidr.split('/');
  const family = net.isIP(address);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** A matcher for a list of CIDRs (as `isCidr` accepts them). */
export function cidrMatcher(cidrs: readonly string[]): (ip: string) => boolean {
  const list = new net.BlockList();
  for (const cidr of cidrs) {
    const [address = '', prefix] = cidr.split('/');
    const type = net.isIP(address) === 4 ? 'ipv4' : 'ipv6';
    list.addSubnet(plain(address), prefix === undefined ? (type === 'ipv4' ? 32 : 128) : Number(prefix), type);
  }
  return (ip) => {
    const address = plain(ip);
    const family = net.isIP(address);
    return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * The client's address for per-address limits. Without trusted proxies (the default) it is the
 * socket peer, whatever the request claims. When the peer is one of `trustedProxies` (CIDRs), the
 * client is the right-most address of X-Forwarded-For that is not itself a trusted proxy: every
 * hop we trust appended the address it saw, and anything left of the first untrusted hop could
 * have been written by the client. A malformed entry stops the walk at the last trusted hop, so a
 * client cannot pick a fresh address for each request by sending garbage.
 */
export function createClientIp(trustedProxies: readonly string[]): (c: Context) => string {
  if (!trustedProxies.length) return clientIp;
  const isTrusted = cidrMatcher(trustedProxies);
  return (c) => {
    let hop = plain(clientIp(c));
    if (!isTrusted(hop)) return hop;
    const forwarded = (c.req.header('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    for (let i = forwarded.length - 1; i >= 0; i--) {
      const candidate = plain(forwarded[i]!);
      if (!net.isIP(candidate)) return hop;
      hop = candidate;
      if (!isTrusted(hop)) return hop;
    }
    return hop;
  };
}
