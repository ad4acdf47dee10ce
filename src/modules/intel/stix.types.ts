/** STIX 2.1 object categories and the target types of their `*_ref` / `*_refs` properties. */

export const SDO_TYPES = new Set([
  'attack-pattern', 'campaign', 'course-of-action', 'grouping', 'identity', 'incident', 'indicator', 'infrastructure',
  'intrusion-set', 'location', 'malware', 'malware-analysis', 'note', 'observed-data', 'opinion', 'report',
  'threat-actor', 'tool', 'vulnerability',
]);
export const SRO_TYPES = new Set(['relationship', 'sighting']);
export const SCO_TYPES = new Set([
  'artifact', 'autonomous-system', 'directory', 'domain-name', 'email-addr', 'email-message', 'file', 'ipv4-addr',
  'ipv6-addr', 'mac-addr', 'mutex', 'network-traffic', 'process', 'software', 'url', 'user-account',
  'windows-registry-key', 'x509-certificate',
]);
export const META_TYPES = new Set(['marking-definition', 'language-content', 'extension-definition']);

/** The schema file of each type defined by STIX 2.1 (relative to schemas/). */
export function schemaPathOf(type: string): string | null {
  if (SDO_TYPES.has(type)) return `sdos/${type}.json`;
  if (SRO_TYPES.has(type)) return `sros/${type}.json`;
  if (SCO_TYPES.has(type)) return `observables/${type}.json`;
  if (META_TYPES.has(type)) return `common/${type}.json`;
  return null;
}

export const isKnownType = (type: string) => schemaPathOf(type) !== null;

/** A custom SCO is one whose extension definition says new-sco; everything else custom is object-like. */
export function isScoLike(obj: Record<string, unknown>): boolean {
  const type = String(obj.type);
  if (SCO_TYPES.has(type)) return true;
  if (isKnownType(type)) return false;
  const ext = obj.extensions;
  if (ext && typeof ext === 'object') {
    return Object.values(ext as Record<string, unknown>).some((e) => (e as { extension_type?: unknown } | null)?.extension_type === 'new-sco');
  }
  return false;
}

type Allowed = 'sdo' | 'sco' | 'sro' | 'any' | string;

// Target types per property; `*` applies to every type. A property not listed only has to be an id.
const REF_RULES: Record<string, Record<string, readonly Allowed[]>> = {
  '*': { created_by_ref: ['identity'], object_marking_refs: ['marking-definition'] },
  relationship: { source_ref: ['sdo', 'sco'], target_ref: ['sdo', 'sco'] },
  sighting: { sighting_of_ref: ['sdo'], where_sighted_refs: ['identity', 'location'], observed_data_refs: ['observed-data'] },
  'observed-data': { object_refs: ['sco', 'relationship'] },
  malware: { sample_refs: ['file', 'artifact'], operating_system_refs: ['software'] },
  'malware-analysis': {
    host_vm_ref: ['software'], operating_system_ref: ['software'], installed_software_refs: ['software'],
    sample_ref: ['file', 'artifact', 'network-traffic'], analysis_sco_refs: ['sco'],
  },
  'ipv4-addr': { resolves_to_refs: ['mac-addr'], belongs_to_refs: ['autonomous-system'] },
  'ipv6-addr': { resolves_to_refs: ['mac-addr'], belongs_to_refs: ['autonomous-system'] },
  'domain-name': { resolves_to_refs: ['ipv4-addr', 'ipv6-addr', 'domain-name'] },
  'email-addr': { belongs_to_ref: ['user-account'] },
  'email-message': { from_ref: ['email-addr'], sender_ref: ['email-addr'], to_refs: ['email-addr'], cc_refs: ['email-addr'], bcc_refs: ['email-addr'], raw_email_ref: ['artifact'] },
  file: { parent_directory_ref: ['directory'], contains_refs: ['sco'], content_ref: ['artifact'] },
  directory: { contains_refs: ['file', 'directory'] },
  'network-traffic': {
    src_ref: ['ipv4-addr', 'ipv6-addr', 'mac-addr', 'domain-name'], dst_ref: ['ipv4-addr', 'ipv6-addr', 'mac-addr', 'domain-name'],
    src_payload_ref: ['artifact'], dst_payload_ref: ['artifact'], encapsulates_refs: ['network-traffic'], encapsulated_by_ref: ['network-traffic'],
  },
  process: { opened_connection_refs: ['network-traffic'], creator_user_ref: ['user-account'], image_ref: ['file'], parent_ref: ['process'], child_refs: ['process'] },
  'windows-registry-key': { creator_user_ref: ['user-account'] },
};

/** The types a reference property of `type` may point to, or null when any object will do. */
export function refTargets(type: string, prop: string): readonly Allowed[] | null {
  return REF_RULES[type]?.[prop] ?? REF_RULES['*']?.[prop] ?? null;
}

/** Whether an object of `targetType` satisfies one of the allowed categories or types. */
export function typeAllowed(targetType: string, allowed: readonly Allowed[]): boolean {
  return allowed.some((a) => {
    if (a === 'any') return true;
    if (a === 'sdo') return SDO_TYPES.has(targetType) || (!isKnownType(targetType) && !SRO_TYPES.has(targetType));
    if (a === 'sco') return SCO_TYPES.has(targetType) || (!isKnownType(targetType) && !SDO_TYPES.has(targetType));
    if (a === 'sro') return SRO_TYPES.has(targetType);
    return a === targetType;
  });
}

/** The type part of a STIX identifier (`indicator--uuid` -> `indicator`). */
export const typeOfId = (id: string) => id.slice(0, Math.max(0, id.indexOf('--')));
