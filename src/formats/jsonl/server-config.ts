/**
 * The Annotto server's config.json, read for its `s3` block (FORMATS.md §1.4): `accessKeyId` and
 * `secretAccessKey` are required strings when the block is there, `region` an optional string.
 * With credentials the server presigns every media URL, so URLs that are not S3 URLs are warned.
 *
 * The key values are registered as secrets before anything is reported: no diagnostic, summary or
 * log line shows them, and the messages here name keys and types, never values. JSON syntax errors
 * are placed by line and column without V8's excerpt of the text (it could hold the secret).
 */
import { diag, type DiagnosticSink, docPointer } from '../../core/diagnostics.js';
import { readOptionFile } from '../../core/option-files.js';
import { findJsonSyntaxError } from '../../core/json-syntax.js';
import { registerSecret } from '../../core/secrets.js';
import type { UrlMode } from './urls.js';

export interface ServerConfig {
  /** Credentials are present and well-formed: the server presigns every URL. */
  presigns: boolean;
  region?: string;
  /**
   * How the project serves media URLs: `presigned` with credentials, `plain` without an `s3`
   * block (the browser gets the URL as it is), `unknown` when the config could not tell.
   */
  mode: UrlMode;
}

const S3_KEYS = new Set(['accessKeyId', 'secretAccessKey', 'region']);
const UNKNOWN: ServerConfig = { presigns: false, mode: 'unknown' };

/** One reading a run: a conversion from jsonl to jsonl reads the config in its reader and writer. */
const perRun = new WeakMap<object, Map<string, Promise<ServerConfig>>>();

/** The config of `path`, read once for the run whose options are `run` (its diagnostics once). */
export function serverConfigOf(run: object, path: string, report: DiagnosticSink): Promise<ServerConfig> {
  let m = perRun.get(run);
  if (!m) perRun.set(run, (m = new Map()));
  let p = m.get(path);
  if (!p) m.set(path, (p = loadServerConfig(path, report)));
  return p;
}

export async function loadServerConfig(path: string, report: DiagnosticSink): Promise<ServerConfig> {
  // a regular file of at most 64 MiB; one that cannot be opened is CONFIG_NOT_FOUND (exit 3)
  const text = await readOptionFile('serverConfig', path);
  // secrets first: whatever goes wrong below may quote the text
  registerLikelySecrets(text);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const bad = findJsonSyntaxError(text);
    const place = bad ? lineColumn(text, bad.index) : {};
    const hint = /\/\/|\/\*/.test(text) ? ' (it holds comments, which JSON does not allow)' : '';
    report(diag('CONFIG_INVALID_JSON', `the server config is not valid JSON${hint}`, { file: path, ...place }));
    return UNKNOWN;
  }
  if (!isObject(doc)) {
    report(diag('CONFIG_INVALID_JSON', 'the server config is not a JSON object', { file: path }));
    return UNKNOWN;
  }
  const s3 = Object.hasOwn(doc, 's3') ? doc.s3 : undefined;
  if (s3 === undefined) return { presigns: false, mode: 'plain' };
  if (!isObject(s3)) {
    report(diag('CONFIG_S3_INVALID', `"s3" is ${typeName(s3)}, not an object with accessKeyId and secretAccessKey`, { file: path, pointer: '#/s3' }));
    return UNKNOWN;
  }
  let ok = true;
  for (const key of ['accessKeyId', 'secretAccessKey'] as const) {
    const v = Object.hasOwn(s3, key) ? s3[key] : undefined;
    if (typeof v === 'string' && v.length > 0) {
      registerSecret(v);
      continue;
    }
    ok = false;
    const what = v === undefined ? 'is missing' : typeof v === 'string' ? 'is empty' : `is ${typeName(v)}, not a string`;
    report(diag('CONFIG_S3_INVALID', `s3.${key} ${what}`, { file: path, pointer: docPointer('s3', key) }));
  }
  const region = Object.hasOwn(s3, 'region') ? s3.region : undefined;
  if (region !== undefined && typeof region !== 'string') {
    ok = false;
    report(diag('CONFIG_S3_INVALID', `s3.region is ${typeName(region)}, not a string`, { file: path, pointer: '#/s3/region' }));
  }
  for (const key of Object.keys(s3)) {
    if (!S3_KEYS.has(key)) report(diag('CONFIG_S3_UNKNOWN_KEY', `s3 has a key the server does not read (its value is not shown)`, { file: path, pointer: docPointer('s3', key) }));
  }
  return ok ? { presigns: true, mode: 'presigned', ...(typeof region === 'string' ? { region } : {}) } : UNKNOWN;
}

/**
 * Before the text is parsed: every string value of the file that follows an access or secret key
 * name, even in a file that is not valid JSON (a config with comments is a common case).
 */
function registerLikelySecrets(text: string): void {
  const re = /"(?:accessKeyId|secretAccessKey|[A-Za-z_]*(?:secret|password|token)[A-Za-z_]*)"\s*:\s*"((?:[^"\\]|\\.)*)"/gi;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    registerSecret(m[1]!);
    try {
      registerSecret(JSON.parse(`"${m[1]!}"`) as string);
    } catch {
      // an invalid escape: the raw form is registered
    }
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}
