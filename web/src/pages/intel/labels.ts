// Names and links the intel pages share.
import type { StixRecord } from '../../api-intel';

/** The console page of a STIX object. */
export const intelHref = (id: string) => `/intel/objects/${encodeURIComponent(id)}`;

/** A human label for an object: its name or value, else its type. */
export function shortLabel(o: Pick<StixRecord, 'label' | 'type'> & { object?: Record<string, unknown> }): string {
  const rel = o.object?.relationship_type;
  return o.label?.trim() || (typeof rel === 'string' ? `${o.type}: ${rel}` : o.type);
}

/** Common STIX 2.1 types for the list's type filter (any other type can be typed in the search). */
export const STIX_TYPES = [
  'indicator',
  'malware',
  'threat-actor',
  'intrusion-set',
  'campaign',
  'attack-pattern',
  'tool',
  'vulnerability',
  'identity',
  'report',
  'relationship',
  'sighting',
  'observed-data',
  'ipv4-addr',
  'ipv6-addr',
  'domain-name',
  'url',
  'file',
  'email-addr',
  'marking-definition',
] as const;

/** Where an object came from: local or a partner. */
export const sourceLabel = (source: string) => (source === 'local' ? 'Local' : source.startsWith('partner:') ? `Partner ${source.slice(8, 16)}…` : source);
