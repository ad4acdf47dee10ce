/**
 * The harmonized event's fields (IntelMQ harmonization names) and the type each is validated as.
 * `extra.*` is free; anything else is not a field.
 */
export type FieldType =
  | 'ip'
  | 'port'
  | 'asn'
  | 'fqdn'
  | 'url'
  | 'email'
  | 'cc'
  | 'md5'
  | 'sha1'
  | 'sha256'
  | 'time'
  | 'network'
  | 'taxonomy'
  | 'type'
  | 'tlp'
  | 'string'
  | 'lower'
  | 'upper'
  | 'integer'
  | 'float'
  | 'accuracy'
  | 'boolean'
  | 'base64';

const SIDE: Record<string, FieldType> = {
  abuse_contact: 'email',
  account: 'string',
  as_name: 'string',
  asn: 'asn',
  domain_suffix: 'fqdn',
  fqdn: 'fqdn',
  'geolocation.cc': 'cc',
  'geolocation.city': 'string',
  'geolocation.country': 'string',
  'geolocation.latitude': 'float',
  'geolocation.longitude': 'float',
  'geolocation.region': 'string',
  'geolocation.state': 'string',
  ip: 'ip',
  local_hostname: 'string',
  local_ip: 'ip',
  network: 'network',
  port: 'port',
  registry: 'upper',
  reverse_dns: 'fqdn',
  tor_node: 'boolean',
  url: 'url',
  urlpath: 'string',
};

const OTHER: Record<string, FieldType> = {
  'classification.identifier': 'string',
  'classification.taxonomy': 'taxonomy',
  'classification.type': 'type',
  comment: 'string',
  'event_description.target': 'string',
  'event_description.text': 'string',
  'event_description.url': 'url',
  event_hash: 'upper',
  'feed.accuracy': 'accuracy',
  'feed.code': 'string',
  'feed.documentation': 'string',
  'feed.name': 'string',
  'feed.provider': 'string',
  'feed.url': 'url',
  'malware.hash.md5': 'md5',
  'malware.hash.sha1': 'sha1',
  'malware.hash.sha256': 'sha256',
  'malware.name': 'lower',
  'malware.version': 'string',
  'misp.attribute_uuid': 'lower',
  'misp.event_uuid': 'lower',
  'protocol.application': 'lower',
  'protocol.transport': 'lower',
  raw: 'base64',
  rtir_id: 'integer',
  screenshot_url: 'url',
  status: 'string',
  'time.observation': 'time',
  'time.source': 'time',
  tlp: 'tlp',
};

/** Field name -> type, for every field a harmonized event may carry (besides `extra.*`). */
export const FIELD_TYPES: ReadonlyMap<string, FieldType> = new Map<string, FieldType>([
  ...Object.entries(OTHER),
  ...Object.entries(SIDE).map(([k, t]) => [`source.${k}`, t] as [string, FieldType]),
  ...Object.entries(SIDE).map(([k, t]) => [`destination.${k}`, t] as [string, FieldType]),
]);

/** True for `extra.<name>` keys: a free value, stored as given (JSON). */
export function isExtraField(name: string): boolean {
  return name.length > 6 && name.startsWith('extra.');
}

/** True when `name` is a harmonized field or an `extra.*` key. */
export function isKnownField(name: string): boolean {
  return FIELD_TYPES.has(name) || isExtraField(name);
}
