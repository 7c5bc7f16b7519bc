/** The JSON Schema files shipped under schemas/ (no ajv here: cheap to import). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCHEMA_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

/** Which schemas (and which of their definitions) are compiled into validators. */
export const SCHEMA_ENTRIES: Record<string, readonly string[]> = {
  'jsonl.schema.json': [''],
  'annoconv.schema.json': ['#/definitions/item', '#/definitions/header'],
};

/** The parsed schema file `schemas/<file>`. */
export function loadSchema(file: string): object {
  return JSON.parse(readFileSync(SCHEMA_DIR + file, 'utf8')) as object;
}

/** The schema file's text, as shipped. */
export function schemaText(file: string): string {
  return readFileSync(SCHEMA_DIR + file, 'utf8');
}

/**
 * URL of the standalone validator module generated for a schema file: every error (`all`), or
 * only the first (a fast pass that stops there).
 */
export function standaloneModule(file: string, all = true): string {
  return new URL(`../schemas/${file.replace(/\.schema\.json$/, '')}${all ? '' : '.first'}.validate.js`, import.meta.url).href;
}

/** Export name of a fragment's validator inside the generated module. */
export function exportName(fragment: string): string {
  return fragment === '' ? 'root' : fragment.replace(/^#\/definitions\//, '').replace(/[^A-Za-z0-9_]/g, '_');
}
