/**
 * The Annotto server's own Joi schemas, run here: its src/router/validation/{item,project,utils}.ts
 * transpiled with TypeScript's transpileModule to CommonJS in a temporary folder, `joi` at the
 * server's version (a devDependency), and its upload's line splitter (src/core/file-upload/ndjson.ts
 * on split2 3.2.2, the server's, a devDependency), and a stub for `mongoose` (only ObjectId checks of routes use
 * it). Type-only imports (types, db models) vanish in transpiling.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../helpers/run.js';
import { PEERS } from './peers.js';

export const ANNOTTO = join(PEERS, 'annotto');

/** Whether the server's source is there. */
export function annottoPresent(): boolean {
  return existsSync(join(ANNOTTO, 'src/router/validation/item.ts'));
}

interface JoiResult {
  error?: { message: string };
}
interface JoiSchema {
  validate(v: unknown, o?: object): JoiResult;
  validateAsync(v: unknown, o?: object): Promise<unknown>;
}

export interface Server {
  /** The upload's item schema for each project type (its validateItem). */
  items: Record<string, JoiSchema>;
  /** The upload's line splitter, src/core/file-upload/ndjson.ts, on split2 at the server's version. */
  ndjson: () => NodeJS.ReadWriteStream;
  predictions: JoiSchema;
  annotations: JoiSchema;
  config: JoiSchema;
  dispose(): void;
}

/** Loads the server's schemas. */
export function loadServer(): Server {
  const dir = mkdtempSync(join(tmpdir(), 'annoconv-annotto-joi-'));
  const out = join(dir, 'validation');
  mkdirSync(out);
  mkdirSync(join(dir, 'node_modules/mongoose'), { recursive: true });
  writeFileSync(join(dir, 'node_modules/mongoose/index.js'), 'module.exports = { Types: { ObjectId: { isValid: () => true } } };\n');
  for (const m of ['joi', 'split2']) symlinkSync(join(ROOT, 'node_modules', m), join(dir, 'node_modules', m));
  writeFileSync(join(dir, 'package.json'), '{"type": "commonjs"}\n');
  for (const name of ['item', 'project', 'utils']) {
    const source = readFileSync(join(ANNOTTO, `src/router/validation/${name}.ts`), 'utf8');
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true } }).outputText;
    writeFileSync(join(out, `${name}.js`), js);
  }
  mkdirSync(join(dir, 'file-upload'));
  for (const name of ['ndjson', 'error']) {
    const source = readFileSync(join(ANNOTTO, `src/core/file-upload/${name}.ts`), 'utf8');
    writeFileSync(join(dir, 'file-upload', `${name}.js`), ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true } }).outputText);
  }
  const req = createRequire(join(out, 'index.js'));
  const ndjson = req('../file-upload/ndjson.js') as { parse: () => NodeJS.ReadWriteStream };
  const item = req('./item.js') as { default: Record<string, JoiSchema> & { jsonlinesPredictionsSchema: JoiSchema; jsonlinesAnnotationImportSchema: JoiSchema } };
  const items: Record<string, JoiSchema> = {};
  for (const type of ['text', 'image', 'video', 'audio', 'html']) items[type] = item.default[`jsonlinesItem${type[0]!.toUpperCase()}${type.slice(1)}Schema`]!;
  const project = req('./project.js') as { projectConfigV2Schema: JoiSchema };
  return {
    items,
    ndjson: ndjson.parse,
    predictions: item.default.jsonlinesPredictionsSchema,
    annotations: item.default.jsonlinesAnnotationImportSchema,
    config: project.projectConfigV2Schema,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A predictions line as the import checks it (its validatePrediction), tasks from the config. */
export async function predictionError(server: Server, line: unknown, config: { tasks: object[] }): Promise<string | undefined> {
  try {
    await server.predictions.validateAsync(line, { context: { tasks: config.tasks } });
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
