/**
 * The built-in rule set: drop events whose source address can never identify a constituent on the
 * Internet — private (RFC 1918, ULA), shared CGNAT space, loopback, link-local, multicast, the
 * unspecified address, reserved and IETF protocol-assignment ranges.
 *
 * Deliberately NOT dropped: 198.18.0.0/15 (benchmarking, RFC 2544), 2001:db8::/32 and the IPv4
 * TEST-NETs 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 (documentation, RFC 3849 / 5737). They
 * are not routed either, but the demo constituency lives in 198.18.0.0/15 and 2001:db8::/32 and the
 * tests and examples use the documentation ranges; real feeds never report them, so keeping them
 * costs nothing, and dropping them would make every demo and test event disappear.
 */
import type { RuleT } from './rules.schemas.ts';

export const NON_PUBLIC_PREFIXES: readonly string[] = [
  '0.0.0.0/8', // "this network"
  '10.0.0.0/8', // private
  '100.64.0.0/10', // shared address space (CGNAT)
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local
  '172.16.0.0/12', // private
  '192.0.0.0/24', // IETF protocol assignments
  '192.168.0.0/16', // private
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, and the broadcast address
  '::/128', // unspecified
  '::1/128', // loopback
  '100::/64', // discard-only
  'fc00::/7', // unique local
  'fe80::/10', // link-local
  'ff00::/8', // multicast
];

export const DEFAULT_RULES: readonly RuleT[] = [
  {
    id: 'default.drop-non-public-source',
    description: 'Drop events whose source address is private, CGNAT, loopback, link-local, multicast or reserved',
    when: { op: 'cidr', field: 'source.ip', prefixes: [...NON_PUBLIC_PREFIXES] },
    then: [{ action: 'drop' }],
  },
];
