/**
 * The ASN / country expert: from the imported prefix table, sets `source.asn`, `source.as_name`
 * and `source.geolocation.cc` when the event does not carry them already (a feed's own values win).
 */
import type { HarmonizedEvent } from '../pipeline.types.ts';
import type { PrefixLpm } from './prefix-lpm.ts';

/** What a prefix of the table says: its (first) origin AS, country and AS name. */
export type AsnInfo = { readonly asn: number; readonly cc: string | null; readonly asName: string | null };

/** The in-memory prefix table (IPv4 and IPv6, longest prefix match). */
export type AsnTable = PrefixLpm<AsnInfo>;

const empty = (v: unknown) => v === undefined || v === '';

/** Fills the missing ASN fields of an event from its `source.ip`; returns true when the address was covered. */
export function enrichAsn(table: AsnTable, event: HarmonizedEvent): boolean {
  const ip = event['source.ip'];
  if (typeof ip !== 'string' || ip === '') return false;
  const hasAsn = !empty(event['source.asn']);
  const hasCc = !empty(event['source.geolocation.cc']);
  if (hasAsn && hasCc && !empty(event['source.as_name'])) return false;
  const info = table.lookupText(ip);
  if (info === undefined) return false;
  if (!hasAsn) {
    event['source.asn'] = info.asn;
    if (info.asName !== null && empty(event['source.as_name'])) event['source.as_name'] = info.asName;
  }
  if (!hasCc && info.cc !== null) event['source.geolocation.cc'] = info.cc;
  return true;
}
