import { randomUUID } from 'node:crypto';

/** Test factories for STIX objects. */
export const T0 = '2024-01-02T03:04:05.000Z';

export function indicator(pattern: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'indicator', spec_version: '2.1', id: `indicator--${randomUUID()}`, created: T0, modified: T0, pattern, pattern_type: 'stix', valid_from: T0, ...over };
}

export function identity(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'identity', spec_version: '2.1', id: `identity--${randomUUID()}`, created: T0, modified: T0, name: 'ACME CERT', identity_class: 'organization', ...over };
}

export function malware(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'malware', spec_version: '2.1', id: `malware--${randomUUID()}`, created: T0, modified: T0, name: 'Badware', is_family: true, ...over };
}

export function relationship(source: string, target: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'relationship', spec_version: '2.1', id: `relationship--${randomUUID()}`, created: T0, modified: T0, relationship_type: 'indicates', source_ref: source, target_ref: target, ...over };
}

export const bundle = (objects: unknown[]) => ({ type: 'bundle', id: `bundle--${randomUUID()}`, objects });
