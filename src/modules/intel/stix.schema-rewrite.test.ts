import fs from 'node:fs';
import path from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { rewriteSchema, typeListOf } from './stix.schema-rewrite.ts';
import { validateObject } from './stix.validate.ts';
import { indicator } from './intel.testing.ts';

const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as unknown as typeof Ajv2020Module.default;
const SCHEMAS = path.join(import.meta.dirname, 'schemas');
const SAMPLES: unknown[] = [null, true, false, 0, 1, -3, 1.5, '', 'x', [], [1], [null, 'a'], {}, { a: 1 }];

/** Every `anyOf` node of the shipped schemas with its rewritten form, by file. */
function rewrittenNodes(): { file: string; before: unknown; after: unknown }[] {
  const out: { file: string; before: unknown; after: unknown }[] = [];
  const walk = (file: string, node: unknown) => {
    if (Array.isArray(node)) return node.forEach((n) => walk(file, n));
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (Object.keys(n).length === 1 && 'anyOf' in n) {
      const after = rewriteSchema(n);
      if (JSON.stringify(after) !== JSON.stringify(n)) out.push({ file, before: n, after });
    }
    Object.values(n).forEach((v) => walk(file, v));
  };
  for (const dir of ['common', 'sdos', 'sros', 'observables']) {
    for (const f of fs.readdirSync(path.join(SCHEMAS, dir))) walk(`${dir}/${f}`, JSON.parse(fs.readFileSync(path.join(SCHEMAS, dir, f), 'utf8')));
  }
  return out;
}

describe('rewrites of the OASIS schemas that validate faster', () => {
  it('rewrite the custom-property, dictionary and IPFIX type alternatives, and accept exactly what the originals accept', () => {
    const nodes = rewrittenNodes();
    expect(nodes.map((n) => n.file).sort()).toEqual(['common/dictionary.json', 'common/properties.json', 'observables/network-traffic.json']);
    const ajv = new Ajv2020({ strict: false });
    for (const { file, before, after } of nodes) {
      const [a, b] = [ajv.compile(before as object), ajv.compile(after as object)];
      for (const v of SAMPLES) expect([file, v, b(v)]).toEqual([file, v, a(v)]);
    }
  });

  it('leave alone alternatives that are more than a type', () => {
    expect(typeListOf([{ type: 'string' }, { type: 'integer' }])).toEqual({ type: ['string', 'integer'] });
    expect(typeListOf([{ type: 'array', minItems: 1 }, { type: 'string' }])).toEqual({ type: ['array', 'string'], minItems: 1 });
    expect(typeListOf([{ type: 'string', minItems: 1 }, { type: 'integer' }])).toBeNull();
    expect(typeListOf([{ type: 'array', minItems: 1 }, { type: 'array' }])).toBeNull();
    expect(typeListOf([{ type: 'string', pattern: '^a' }, { type: 'integer' }])).toBeNull();
    expect(typeListOf([{ required: ['a'] }, { required: ['b'] }])).toBeNull();
    expect(typeListOf([])).toBeNull();
    // Only an anyOf alone in its node: a sibling keyword would change what the node means.
    const withSibling = { description: 'd', anyOf: [{ type: 'string' }, { type: 'integer' }] };
    expect(rewriteSchema(withSibling)).toEqual(withSibling);
  });

  it('still reject custom properties the OASIS rule rejects', () => {
    expect(validateObject(indicator('x', { x_list: ['a'], x_text: 't', x_n: 2.5, x_flag: true, x_obj: {} })).ok).toBe(true);
    expect(validateObject(indicator('x', { x_list: [] }))).toMatchObject({ ok: false, code: 'stix.schema' });
    expect(validateObject(indicator('x', { x_null: null }))).toMatchObject({ ok: false, code: 'stix.schema' });
  });
});
