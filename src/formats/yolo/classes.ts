/**
 * YOLO class names: classes.txt or obj.names (one name a line, the line index is the class id), or
 * an Ultralytics data.yaml (`names` as a list or an `{id: name}` map; `kpt_shape` for pose). Only
 * those keys of data.yaml are read, with a small parser for the forms they take.
 */
import { readdir } from 'node:fs/promises';
import { readRegularFile } from '../../core/io.js';
import { isUtf8 } from 'node:buffer';
import { join } from 'node:path';

export interface Classes {
  names: string[];
  /** The file the names came from. */
  from: string;
  /** Pose: keypoints per object and numbers per keypoint (2 or 3). */
  kpt?: [number, number];
}

const unquote = (s: string): string => s.trim().replace(/^(['"])(.*)\1$/, '$2');

/** `names` and `kpt_shape` of a data.yaml. */
export function parseDataYaml(text: string): { names?: string[]; kpt?: [number, number] } {
  const lines = text.split(/\r?\n/);
  const out: { names?: string[]; kpt?: [number, number] } = {};
  for (let i = 0; i < lines.length; i++) {
    const m = /^(names|kpt_shape)\s*:\s*(.*)$/.exec(lines[i]!.replace(/\s+#.*$/, ''));
    if (!m) continue;
    const rest = m[2]!.trim();
    let values: string[] = [];
    if (rest.startsWith('[')) values = rest.replace(/^\[|\]$/g, '').split(',').map(unquote).filter((x) => x !== '');
    else if (rest.startsWith('{')) {
      const map = rest.replace(/^\{|\}$/g, '').split(',').map((p) => p.split(':')).filter((p) => p.length >= 2);
      values = map.sort((a, b) => Number(a[0]) - Number(b[0])).map((p) => unquote(p.slice(1).join(':')));
    } else {
      const map: [number, string][] = [];
      for (let j = i + 1; j < lines.length && /^\s+\S/.test(lines[j]!); j++) {
        const l = lines[j]!.replace(/\s+#.*$/, '').trim();
        const item = /^-\s*(.*)$/.exec(l);
        const kv = /^(\d+)\s*:\s*(.*)$/.exec(l);
        if (item) values.push(unquote(item[1]!));
        else if (kv) map.push([Number(kv[1]), unquote(kv[2]!)]);
      }
      if (map.length) values = map.sort((a, b) => a[0] - b[0]).map((p) => p[1]);
    }
    if (m[1] === 'names') out.names = values;
    else if (values.length === 2 && values.every((v) => /^\d+$/.test(v))) out.kpt = [Number(values[0]), Number(values[1])];
  }
  return out;
}

/** The class names of a YOLO folder, or why there are none. */
export async function classNames(root: string): Promise<Classes | string> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch (e) {
    return `cannot list ${root}: ${(e as Error).message}`;
  }
  for (const name of ['classes.txt', 'obj.names', ...entries.filter((n) => n.endsWith('.names') && n !== 'obj.names')]) {
    if (!entries.includes(name)) continue;
    let bytes: Buffer;
    try {
      bytes = await readRegularFile(join(root, name));
    } catch (e) {
      return `${name} cannot be read: ${(e as Error).message}`;
    }
    if (!isUtf8(bytes)) return `${name} is not valid UTF-8: the class names cannot be read`;
    const text = bytes.toString('utf8');
    return { names: text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== ''), from: name };
  }
  for (const name of ['data.yaml', 'dataset.yaml', 'data.yml']) {
    if (!entries.includes(name)) continue;
    let bytes: Buffer;
    try {
      bytes = await readRegularFile(join(root, name));
    } catch (e) {
      return `${name} cannot be read: ${(e as Error).message}`;
    }
    if (!isUtf8(bytes)) return `${name} is not valid UTF-8: the class names cannot be read`;
    const y = parseDataYaml(bytes.toString('utf8'));
    if (y.names?.length) return { names: y.names, from: name, ...(y.kpt ? { kpt: y.kpt } : {}) };
  }
  return `no class names in ${root}: classes.txt, obj.names or data.yaml (names) is needed to name the class ids`;
}
