/**
 * The Annotto server's own Joi schemas, run here: its src/router/validation/{item,project,utils}.ts
 * transpiled with TypeScript's transpileModule to CommonJS in a temporary folder, `joi` at the
 * server's version (a devDependency) and a stub for `mongoose` (only ObjectId checks of routes use
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
  symlinkSync(join(ROOT, 'node_modules/joi'), join(dir, 'node_modules/joi'));
  writeFileSync(join(dir, 'package.json'), '{"type": "commonjs"}\n');
  for (const name of ['item', 'project', 'utils']) {
    const source = readFileSync(join(ANNOTTO, `src/router/validation/${name}.ts`), 'utf8');
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true } }).outputText;
    writeFileSync(join(out, `${name}.js`), js);
  }
  const req = createRequire(join(out, 'index.js'));
  const item = req('./item.js') as { default: { jsonlinesPredictionsSchema: JoiSchema; jsonlinesAnnotationImportSchema: JoiSchema } };
  const project = req('./project.js') as { projectConfigV2Schema: JoiSchema };
  return {
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
