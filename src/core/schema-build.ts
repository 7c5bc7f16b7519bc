/**
 * Build step (run by `npm run build` / `prepare` after tsc): compile every schema entry to ajv
 * standalone ESM code under dist/schemas/, so runs skip ajv's load and compile.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import standaloneModuleNs from 'ajv/dist/standalone/index.js';
import { loadSchema, SCHEMA_ENTRIES, standaloneModule, exportName } from './schema-files.js';

const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as unknown as typeof AjvModule.default;
type Standalone = (ajv: unknown, refs: Record<string, string>) => string;
const standaloneCode = ((standaloneModuleNs as unknown as { default?: Standalone }).default ?? standaloneModuleNs) as unknown as Standalone;

for (const [file, fragments] of Object.entries(SCHEMA_ENTRIES)) for (const allErrors of [true, false]) {
  const ajv = new Ajv({ allErrors, strict: false, code: { source: true, esm: true } });
  const schema = loadSchema(file) as { $id?: string };
  const id = schema.$id ?? file;
  ajv.addSchema(schema, id);
  const refs: Record<string, string> = {};
  for (const f of fragments) refs[exportName(f)] = id + (f || '#');
  const out = fileURLToPath(standaloneModule(file, allErrors));
  mkdirSync(fileURLToPath(new URL('.', 'file://' + out)), { recursive: true });
  // ajv's ESM output still calls require() for its runtime helpers (ucs2length, equal, ...).
  const code = standaloneCode(ajv, refs).replace(/^"use strict";/, '');
  writeFileSync(out, `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${code}\n`);
}
