import { createRequire } from 'node:module';
import type { ParserConfigInput } from '../parse/config.schema.ts';

/** A CSV layout Vigil ships: a feed can start from it instead of writing a mapping. */
export type ShippedMapping = { name: string; title: string; parser: ParserConfigInput };

// The mappings are data (JSON files next to this one), so a new layout needs no code.
const require = createRequire(import.meta.url);
const FILES = ['shadowserver-scan', 'shadowserver-sinkhole', 'open-resolver', 'blocklist'];

/** Every shipped mapping, by name. */
export function shippedMappings(): ShippedMapping[] {
  return FILES.map((f) => require(`./${f}.json`) as ShippedMapping);
}

/** One shipped mapping by name, or undefined. */
export function shippedMapping(name: string): ShippedMapping | undefined {
  return shippedMappings().find((m) => m.name === name);
}
