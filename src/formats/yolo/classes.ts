/**
 * YOLO class names: classes.txt or obj.names (one name a line, the line index is the class id), or
 * an Ultralytics data.yaml (`names` as a list or an `{id: name}` map; `kpt_shape` for pose), read
 * with a YAML parser (a quoted name may hold commas, colons or `#`).
 *
 * Class ids are never shifted: a blank line in classes.txt is a class slot without a name, as
 * darknet and the Label Studio SDK read it (both take the line index as the id), and so is an id
 * missing from a data.yaml map. Such a slot is named `class_<id>`, the name Ultralytics gives a
 * class without one, and reported. Blank lines after the last name name nothing and are ignored.
 */
import { readdir } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { join } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { readRegularFile } from '../../core/io.js';

/** A class id the file gives no name; `line` is the blank line of a names file (1-based). */
export interface Unnamed {
  id: number;
  line?: number;
}

export interface Classes {
  /** Class names by id, every id from 0 to the highest one (unnamed slots as `class_<id>`). */
  names: string[];
  /** The file the names came from. */
  from: string;
  /** Ids without a name in that file. */
  unnamed: Unnamed[];
  /** Pose: keypoints per object and numbers per keypoint (2 or 3). */
  kpt?: [number, number];
}

/** Why the names cannot be read, with the line of the problem when known. */
export interface ClassesError {
  message: string;
  file: string;
  line?: number;
}

/** The name of a class id that has none: Ultralytics' own (`check_det_dataset`, names from `nc`). */
export const unnamedClass = (id: number): string => `class_${id}`;

/** The names of a classes.txt / obj.names text, blank lines kept as slots. */
export function parseNamesFile(text: string): { names: string[]; unnamed: Unnamed[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/).map((l) => l.trim());
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  const unnamed: Unnamed[] = [];
  const names = lines.map((l, i) => {
    if (l !== '') return l;
    unnamed.push({ id: i, line: i + 1 });
    return unnamedClass(i);
  });
  return { names, unnamed };
}

type DataYaml = { names?: string[]; unnamed: Unnamed[]; kpt?: [number, number] };

/** `names` (and `kpt_shape`) of a data.yaml, or why they cannot be read. */
export function parseDataYaml(text: string): DataYaml | { error: string; line?: number } {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    const line = e instanceof YAMLParseError ? e.linePos?.[0]?.line : undefined;
    return { error: `not valid YAML: ${(e as Error).message.split('\n')[0]}`, ...(line ? { line } : {}) };
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return { error: 'not a YAML mapping (path, train, val, names)' };
  const d = doc as Record<string, unknown>;
  const out: DataYaml = { unnamed: [] };
  const k = d.kpt_shape;
  if (Array.isArray(k) && k.length === 2 && k.every((v) => Number.isInteger(v) && v > 0)) out.kpt = [k[0] as number, k[1] as number];
  if (d.names === undefined || d.names === null) return out;
  const byId = new Map<number, unknown>();
  if (Array.isArray(d.names)) d.names.forEach((n, i) => byId.set(i, n));
  else if (typeof d.names === 'object') {
    for (const [key, n] of Object.entries(d.names as Record<string, unknown>)) {
      if (!/^\d+$/.test(key) || !Number.isSafeInteger(Number(key))) return { error: `names key ${JSON.stringify(key)} is not a class id (a whole number from 0)` };
      byId.set(Number(key), n);
    }
  } else return { error: 'names is neither a list nor an {id: name} map' };
  let max = -1;
  for (const id of byId.keys()) if (id > max) max = id;
  if (max > 100_000) return { error: `names has class id ${max}: more than 100,000 classes is not a class list` };
  out.names = [];
  for (let id = 0; id <= max; id++) {
    const n = byId.get(id);
    if (n === undefined || n === null || (typeof n === 'string' && n.trim() === '')) {
      out.unnamed.push({ id });
      out.names.push(unnamedClass(id));
    } else out.names.push(typeof n === 'string' ? n : typeof n === 'object' ? JSON.stringify(n) : String(n));
  }
  return out;
}

async function readText(root: string, name: string): Promise<string | ClassesError> {
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(join(root, name));
  } catch (e) {
    return { message: `${name} cannot be read: ${(e as Error).message}`, file: join(root, name) };
  }
  if (!isUtf8(bytes)) return { message: `${name} is not valid UTF-8: the class names cannot be read`, file: join(root, name) };
  return bytes.toString('utf8');
}

/** The class names of a YOLO folder, or why there are none. */
export async function classNames(root: string): Promise<Classes | ClassesError> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch (e) {
    return { message: `cannot list ${root}: ${(e as Error).message}`, file: root };
  }
  for (const name of ['classes.txt', 'obj.names', ...entries.filter((n) => n.endsWith('.names') && n !== 'obj.names')]) {
    if (!entries.includes(name)) continue;
    const text = await readText(root, name);
    if (typeof text !== 'string') return text;
    return { ...parseNamesFile(text), from: name };
  }
  for (const name of ['data.yaml', 'dataset.yaml', 'data.yml']) {
    if (!entries.includes(name)) continue;
    const text = await readText(root, name);
    if (typeof text !== 'string') return text;
    const y = parseDataYaml(text);
    if ('error' in y) return { message: `${name}: ${y.error}`, file: join(root, name), ...(y.line ? { line: y.line } : {}) };
    if (y.names?.length) return { names: y.names, unnamed: y.unnamed, from: name, ...(y.kpt ? { kpt: y.kpt } : {}) };
  }
  return { message: `no class names in ${root}: classes.txt, obj.names or data.yaml (names) is needed to name the class ids`, file: root };
}
