import fs from 'node:fs';
import path from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { rewriteSchema } from './stix.schema-rewrite.ts';
import { schemaPathOf } from './stix.types.ts';

const SCHEMA_DIR = path.join(import.meta.dirname, 'schemas');
const BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';
// ajv ships CommonJS: the default import is the module object on some loaders, the class on others.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as unknown as typeof Ajv2020Module.default;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as typeof addFormatsModule.default;

const LABEL = /^(?!-)[^\s.]{1,63}(?<!-)$/u;
// The OASIS type-name pattern nests quantifiers, `([a-z][a-z0-9]*)+`: exponential backtracking on a
// long name that fails (an extension key from a partner). `[a-z][a-z0-9]*` matches exactly the same.
const NESTED = '([a-z][a-z0-9]*)+';
const safeRegExp = Object.assign((src: string, flags: string) => new RegExp(src.split(NESTED).join('[a-z][a-z0-9]*'), flags), { code: 'new RegExp' });

let ajv: InstanceType<typeof Ajv2020> | null = null;
const cache = new Map<string, ValidateFunction>();

// All OASIS schema files once (rewritten where that is faster and accepts the same: stix.schema-rewrite.ts), compiled lazily per type by ajv (draft 2020-12).
function engine(): InstanceType<typeof Ajv2020> {
  if (ajv) return ajv;
  const a = new Ajv2020({ strict: false, allErrors: false, logger: false, unicodeRegExp: false, code: { regExp: safeRegExp } });
  addFormats(a);
  // STIX domain names may be internationalized; ajv-formats has no idn-hostname.
  a.addFormat('idn-hostname', (v: string) => v.length <= 253 && v.split('.').every((l) => LABEL.test(l)));
  for (const dir of ['common', 'sdos', 'sros', 'observables']) {
    for (const file of fs.readdirSync(path.join(SCHEMA_DIR, dir)).filter((f) => f.endsWith('.json'))) {
      a.addSchema(rewriteSchema(JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, dir, file), 'utf8')) as object));
    }
  }
  ajv = a;
  return a;
}

/** The compiled OASIS validator of a schema file (`sdos/indicator.json`, `common/bundle.json` ...). */
export function schemaValidator(file: string): ValidateFunction {
  let v = cache.get(file);
  if (!v) {
    v = engine().getSchema(BASE + file);
    if (!v) throw new Error(`no STIX schema ${file}`);
    cache.set(file, v);
  }
  return v;
}

/** The validator for an object's type; custom types are checked against the common core schemas. */
export function validatorFor(type: string, scoLike: boolean): ValidateFunction {
  return schemaValidator(schemaPathOf(type) ?? (scoLike ? 'common/cyber-observable-core.json' : 'common/core.json'));
}

/** The first schema error as `path: message`. */
export function firstError(v: ValidateFunction): string {
  const e = v.errors?.[0];
  if (!e) return 'does not match the STIX 2.1 schema';
  const at = e.instancePath || '(object)';
  const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})` : '';
  return `${at}: ${e.message ?? 'invalid'}${extra}`;
}
