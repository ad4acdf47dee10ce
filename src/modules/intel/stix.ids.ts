import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/index.ts';

/** The namespace of deterministic SCO ids (STIX 2.1 section 2.9). */
export const SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';
const NAMESPACE_BYTES = Buffer.from(SCO_NAMESPACE.replace(/-/g, ''), 'hex');

// ID contributing properties per SCO type (STIX 2.1 section 6, as the OASIS stix2 library applies them).
const CONTRIBUTING: Record<string, readonly string[]> = {
  artifact: ['hashes', 'payload_bin'],
  'autonomous-system': ['number'],
  directory: ['path'],
  'domain-name': ['value'],
  'email-addr': ['value'],
  'email-message': ['from_ref', 'subject', 'body'],
  file: ['hashes', 'name', 'extensions', 'parent_directory_ref'],
  'ipv4-addr': ['value'],
  'ipv6-addr': ['value'],
  'mac-addr': ['value'],
  mutex: ['name'],
  'network-traffic': ['start', 'end', 'src_ref', 'dst_ref', 'src_port', 'dst_port', 'protocols', 'extensions'],
  software: ['name', 'cpe', 'swid', 'vendor', 'version'],
  url: ['value'],
  'user-account': ['account_type', 'user_id', 'account_login'],
  'windows-registry-key': ['key', 'values'],
  'x509-certificate': ['hashes', 'serial_number'],
};

const HASH_PREFERENCE = ['MD5', 'SHA-1', 'SHA-256', 'SHA-512'];

/** RFC 4122 version 5 UUID of `name` in `namespace` bytes. */
export function uuidv5(name: string, namespace: Buffer = NAMESPACE_BYTES): string {
  const h = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

// A hashes dictionary contributes one hash only: the most preferred algorithm present.
function oneHash(hashes: unknown): Record<string, unknown> | null {
  if (!hashes || typeof hashes !== 'object') return null;
  const h = hashes as Record<string, unknown>;
  const key = HASH_PREFERENCE.find((k) => k in h) ?? Object.keys(h)[0];
  return key === undefined ? null : { [key]: h[key] };
}

/**
 * The deterministic id of a cyber observable: UUIDv5 in the STIX namespace over the canonical JSON
 * (RFC 8785) of its ID contributing properties. Null when the type has none or none is present
 * (such SCOs keep their own UUIDv4 id).
 */
export function deterministicId(obj: Record<string, unknown>): string | null {
  const type = String(obj.type);
  const props = CONTRIBUTING[type];
  if (!props) return null;
  const picked: Record<string, unknown> = {};
  for (const p of props) {
    if (obj[p] === undefined) continue;
    const v = p === 'hashes' ? oneHash(obj[p]) : obj[p];
    if (v !== null) picked[p] = v;
  }
  if (Object.keys(picked).length === 0) return null;
  return `${type}--${uuidv5(canonicalJson(picked))}`;
}

/** Whether the type's id depends on references to other SCOs (computed after those). */
export function idDependsOnRefs(type: string): boolean {
  return (CONTRIBUTING[type] ?? []).some((p) => p.endsWith('_ref'));
}

/** Hex SHA-256 of the canonical JSON of a value. */
export function sha256Of(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
