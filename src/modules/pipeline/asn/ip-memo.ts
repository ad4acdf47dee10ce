/**
 * Address parsing shared by the experts of one event: the default rules, the ASN expert and the
 * enrichment all read `source.ip`; a one-entry memo makes the second and third parse a string compare.
 */
import { parseIPv4Range, parseIPv6Range } from '../../../platform/lookup-index/index.ts';

/** parseAddress: the text is an IPv6 address, whose words are in ADDRESS_WORDS. */
export const IS_IPV6 = -1;
/** parseAddress: the text is not an address. */
export const NOT_AN_ADDRESS = -2;

/** The IPv6 words of the last address parsed (read them right after parseAddress). */
export const ADDRESS_WORDS = new Uint32Array(4);

let lastText: string | null = null;
let lastResult = NOT_AN_ADDRESS;

/** An IPv4 address as uint32, IS_IPV6 (words in ADDRESS_WORDS) or NOT_AN_ADDRESS. */
export function parseAddress(ip: string): number {
  if (ip === lastText) return lastResult;
  const v4 = parseIPv4Range(ip, 0, ip.length);
  const result = v4 >= 0 ? v4 : parseIPv6Range(ip, 0, ip.length, ADDRESS_WORDS, 0) ? IS_IPV6 : NOT_AN_ADDRESS;
  lastText = ip;
  lastResult = result;
  return result;
}
