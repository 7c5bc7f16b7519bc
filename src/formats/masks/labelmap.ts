/**
 * Label maps of mask datasets: which class a pixel value (or colour) stands for.
 *
 * - `labelmap.txt` as datumaro writes it: a `# label:color_rgb:parts:actions` header, then one
 *   `name:r,g,b:parts:actions` line a class; a class's index is its line's position (0 first).
 *   The colour may be empty (then the VOC colour map's entry for its index).
 * - `classes.txt`: one name a line, index = line number from 0.
 * - VOC's own 21 classes (background, aeroplane ... tvmonitor) with the VOC colour map, and
 *   `ignored` with 255's colour (224,224,192), as datumaro lists them.
 */
import { readFile } from 'node:fs/promises';
import { vocColormap } from '../../model/index-map.js';

export type Rgb = [number, number, number];

/** One class: its name, colour, and (datumaro) parts and actions. */
export interface LabelEntry {
  name: string;
  color?: Rgb;
  parts: string[];
  actions: string[];
}

/** A problem with one line of a label map file. */
export interface LabelMapProblem {
  line: number;
  message: string;
}

export const VOC_CLASSES = [
  'background', 'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
  'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor',
] as const;

/** VOC's label map: the 21 classes at their indices' colours, then `ignored` with 255's colour. */
export function vocLabelMap(): LabelEntry[] {
  const cm = vocColormap();
  return [...VOC_CLASSES.map((name, i) => ({ name, color: cm[i]!, parts: [], actions: [] })), { name: 'ignored', color: cm[255]!, parts: [], actions: [] }];
}

/** Parses datumaro's labelmap.txt text. */
export function parseLabelMap(text: string): { entries: LabelEntry[]; problems: LabelMapProblem[] } {
  const entries: LabelEntry[] = [];
  const problems: LabelMapProblem[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const f = line.split(':');
    if (f.length !== 4) {
      problems.push({ line: i + 1, message: `${f.length} ':'-separated fields, not 4 (name:r,g,b:parts:actions)` });
      return;
    }
    const [name, color, parts, actions] = f as [string, string, string, string];
    if (seen.has(name)) {
      problems.push({ line: i + 1, message: `label ${JSON.stringify(name)} is defined twice` });
      return;
    }
    const e: LabelEntry = { name, parts: listOf(parts), actions: listOf(actions) };
    if (color !== '') {
      const c = color.split(',').map((s) => Number(s.trim()));
      if (c.length !== 3 || c.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) {
        problems.push({ line: i + 1, message: `colour ${JSON.stringify(color)} is not an r,g,b triplet of 0-255` });
        return;
      }
      e.color = c as Rgb;
    }
    seen.add(name);
    entries.push(e);
  });
  return { entries, problems };
}

const listOf = (s: string): string[] => (s === '' ? [] : s.split(',').map((x) => x.trim()));

/** classes.txt: one name a line (blank lines at the end ignored). */
export function parseClassList(text: string): LabelEntry[] {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines.map((l) => ({ name: l.trim(), parts: [], actions: [] }));
}

/** labelmap.txt as datumaro writes it (header line, then name:r,g,b:parts:actions). */
export function formatLabelMap(entries: readonly LabelEntry[]): string {
  const lines = ['# label:color_rgb:parts:actions'];
  for (const e of entries) lines.push([e.name, e.color ? e.color.join(',') : '', e.parts.join(','), e.actions.join(',')].join(':'));
  return lines.join('\n') + '\n';
}

/** The label map beside a dataset: labelmap.txt, else classes.txt; undefined when neither is there. */
export async function readLabelFiles(dir: string): Promise<{ file: string; entries: LabelEntry[]; problems: LabelMapProblem[] } | undefined> {
  for (const name of ['labelmap.txt', 'classes.txt']) {
    const file = `${dir}/${name}`;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    if (name === 'labelmap.txt') return { file, ...parseLabelMap(text) };
    return { file, entries: parseClassList(text), problems: [] };
  }
  return undefined;
}

/**
 * Colour -> class index for RGB masks: each entry's colour, or the VOC colour map's colour for its
 * index when it has none (what datumaro paints with).
 */
export function colourIndex(entries: readonly LabelEntry[]): Map<number, number> {
  const cm = vocColormap();
  const out = new Map<number, number>();
  entries.forEach((e, i) => {
    const c = e.color ?? cm[i % 256]!;
    const key = c[0] * 65536 + c[1] * 256 + c[2];
    if (!out.has(key)) out.set(key, i);
  });
  return out;
}
