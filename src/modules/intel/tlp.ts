import type { Pap, Tlp } from './intel.tables.ts';

/** Most to least restrictive order index: higher is more restrictive. */
export const TLP_ORDER: readonly Tlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];
export const TLP2_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

/** The OASIS TLP 2.0 marking-definition ids Vigil exports. */
export const TLP2_MARKING_IDS: Readonly<Record<Tlp, string>> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

// Accepted on import: TLP 2.0, TLP 1.0 (STIX 2.1 core) and the AMBER+STRICT id OpenCTI emits.
const KNOWN_IDS = new Map<string, Tlp>([
  ...Object.entries(TLP2_MARKING_IDS).map(([tlp, id]) => [id, tlp as Tlp] as const),
  ['marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9', 'clear'],
  ['marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', 'green'],
  ['marking-definition--f88d31f6-486f-44da-b317-01333bde0b82', 'amber'],
  ['marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed', 'red'],
  ['marking-definition--826578e1-40ad-459f-bc73-ede076f81f37', 'amber+strict'],
]);

/** The TLP level of a known TLP marking id (2.0, 1.0 or the AMBER+STRICT variant), else undefined. */
export const tlpOfMarkingId = (id: string): Tlp | undefined => KNOWN_IDS.get(id);

/** The more restrictive of two levels. */
export const stricter = (a: Tlp, b: Tlp): Tlp => (TLP_ORDER.indexOf(a) >= TLP_ORDER.indexOf(b) ? a : b);

/** The levels a viewer allowed up to `max` may see. */
export const tlpUpTo = (max: Tlp): Tlp[] => TLP_ORDER.slice(0, TLP_ORDER.indexOf(max) + 1);

/** Reads `TLP:AMBER+STRICT`, `amber`, `white` ... as a TLP 2.0 level, or undefined. */
export function parseTlp(value: unknown): Tlp | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase().replace(/^tlp:/, '').replace(/^white$/, 'clear');
  return (TLP_ORDER as readonly string[]).includes(v) ? (v as Tlp) : undefined;
}

/** Reads `PAP:GREEN`, `green`, `white` ... as a PAP level, or undefined. */
export function parsePap(value: unknown): Pap | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase().replace(/^pap:/, '').replace(/^white$/, 'clear');
  return ['clear', 'green', 'amber', 'red'].includes(v) ? (v as Pap) : undefined;
}

/**
 * The TLP level a marking-definition object declares by its content (TLP 2.0 extension, TLP 1.0
 * `definition.tlp`, OpenCTI's `definition.TLP`, or a `TLP:` name), or undefined when it says none.
 */
export function declaredTlp(md: Record<string, unknown>): Tlp | undefined {
  const ext = (md.extensions as Record<string, { tlp_2_0?: unknown }> | undefined)?.[TLP2_EXTENSION];
  const def = md.definition as Record<string, unknown> | undefined;
  const name = typeof md.name === 'string' && /^tlp:/i.test(md.name) ? md.name : undefined;
  return parseTlp(ext?.tlp_2_0) ?? parseTlp(def?.tlp) ?? parseTlp(def?.TLP) ?? parseTlp(name);
}

/** The PAP level a marking-definition declares (definition_type `pap`, OpenCTI or a `PAP:` name). */
export function declaredPap(md: Record<string, unknown>): Pap | undefined {
  const def = md.definition as Record<string, unknown> | undefined;
  if (typeof md.definition_type === 'string' && md.definition_type.toLowerCase() === 'pap') {
    return parsePap(def?.pap) ?? parsePap(def?.PAP) ?? parsePap(md.name);
  }
  if (typeof md.x_opencti_definition_type === 'string' && md.x_opencti_definition_type.toUpperCase() === 'PAP') return parsePap(md.x_opencti_definition);
  return typeof md.name === 'string' && /^pap:/i.test(md.name) ? parsePap(md.name) : undefined;
}

/** The canonical OASIS TLP 2.0 marking-definition object of a level (what exports carry). */
export function tlpMarkingDefinition(tlp: Tlp): Record<string, unknown> {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP2_MARKING_IDS[tlp],
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${tlp.toUpperCase()}`,
    extensions: { [TLP2_EXTENSION]: { extension_type: 'property-extension', tlp_2_0: tlp } },
  };
}

/** Whether the id is one of the standard TLP marking ids. */
export const isTlpMarkingId = (id: string) => KNOWN_IDS.has(id);
