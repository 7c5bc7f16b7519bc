/**
 * Which CSV column holds what: found from the header names (the Remo layouts and the common
 * Kaggle / VoTT variants), or given with `--columns role=heading,...`.
 *
 * Roles: file; class; a box as corners (xmin, ymin, xmax, ymax) or as x, y, w, h; a single bbox
 * cell (four numbers in any of `[1,2,3,4]`, `1,2,3,4`, `1 2 3 4`: corners unless --bbox xywh);
 * coordinates (a polygon, `x1; y1; x2; y2; ...`); otherwise, columns holding only 0/1 are one-hot
 * labels named by their heading.
 */

import { AnnoconvError, diag } from '../../core/diagnostics.js';
export interface Layout {
  file: number;
  cls?: number;
  box?: { form: 'xyxy' | 'xywh'; cols: [number, number, number, number] };
  bbox?: number;
  coords?: number;
  /** Candidate one-hot columns (no class column and no geometry): index and label. */
  oneHot?: [number, string][];
}

const FILE = ['file_name', 'filename', 'image_name', 'image', 'image_id', 'imageid', 'img', 'path', 'file'];
const CLASS = ['class_name', 'classes', 'class', 'label_name', 'label', 'labels', 'category', 'category_name'];
const CORNERS = [['xmin', 'ymin', 'xmax', 'ymax'], ['x1', 'y1', 'x2', 'y2'], ['x_min', 'y_min', 'x_max', 'y_max'], ['left', 'top', 'right', 'bottom']];
const XYWH = [['x', 'y', 'width', 'height'], ['x', 'y', 'w', 'h'], ['x1', 'y1', 'w', 'h'], ['x1', 'y1', 'width', 'height'], ['xmin', 'ymin', 'width', 'height'], ['xmin', 'ymin', 'w', 'h']];
const BBOX = ['bbox', 'box'];
const COORDS = ['coordinates', 'points', 'polygon', 'segmentation'];

/** The roles `--columns` accepts. */
export const ROLES = ['file', 'class', 'xmin', 'ymin', 'xmax', 'ymax', 'x', 'y', 'w', 'h', 'bbox', 'coordinates'] as const;

/**
 * The layout of a header, or why there is none. `mapping` is the parsed `--columns` (role ->
 * heading); headings are compared trimmed and case-insensitively.
 */
export function resolveLayout(header: string[], mapping: Map<string, string> | undefined): Layout | string {
  const names = header.map((h) => h.trim().toLowerCase());
  const find = (cands: readonly string[]): number => {
    for (const c of cands) {
      const i = names.indexOf(c);
      if (i >= 0) return i;
    }
    return -1;
  };
  if (mapping) {
    const col = (role: string): number | undefined => {
      const h = mapping.get(role);
      if (h === undefined) return undefined;
      const i = names.indexOf(h.trim().toLowerCase());
      return i < 0 ? -1 : i;
    };
    const missing = [...mapping].filter(([role]) => col(role) === -1).map(([role, h]) => `${role}=${h}`);
    if (missing.length) return `--columns names headings the file does not have: ${missing.join(', ')}`;
    const file = col('file') ?? find(FILE);
    if (file < 0) return 'no file column: name it with --columns file=HEADING';
    const out: Layout = { file };
    const cls = col('class');
    if (cls !== undefined) out.cls = cls;
    const corners = ['xmin', 'ymin', 'xmax', 'ymax'].map(col);
    const xywh = ['x', 'y', 'w', 'h'].map(col);
    if (corners.every((c) => c !== undefined)) out.box = { form: 'xyxy', cols: corners as [number, number, number, number] };
    else if (xywh.every((c) => c !== undefined)) out.box = { form: 'xywh', cols: xywh as [number, number, number, number] };
    else if (corners.some((c) => c !== undefined) || xywh.some((c) => c !== undefined)) return '--columns gives part of a box: give xmin, ymin, xmax, ymax or x, y, w, h';
    const bbox = col('bbox');
    if (bbox !== undefined) out.bbox = bbox;
    const coords = col('coordinates');
    if (coords !== undefined) out.coords = coords;
    return out;
  }
  const file = find(FILE);
  if (file < 0) return `no file column (one of ${FILE.join(', ')}; or --columns file=HEADING)`;
  const out: Layout = { file };
  const cls = find(CLASS);
  if (cls >= 0) out.cls = cls;
  for (const set of CORNERS) {
    const cols = set.map((n) => names.indexOf(n));
    if (cols.every((c) => c >= 0)) {
      out.box = { form: 'xyxy', cols: cols as [number, number, number, number] };
      break;
    }
  }
  if (!out.box) {
    for (const set of XYWH) {
      const cols = set.map((n) => names.indexOf(n));
      if (cols.every((c) => c >= 0)) {
        out.box = { form: 'xywh', cols: cols as [number, number, number, number] };
        break;
      }
    }
  }
  const bbox = find(BBOX);
  if (bbox >= 0 && !out.box) out.bbox = bbox;
  const coords = find(COORDS);
  if (coords >= 0) out.coords = coords;
  if (out.cls === undefined && !out.box && out.bbox === undefined && out.coords === undefined) {
    out.oneHot = names.map((n, i): [number, string] => [i, header[i]!.trim()]).filter(([i]) => i !== file);
    if (out.oneHot.length === 0) return 'no class, box, bbox or coordinates column';
  }
  return out;
}

/** Parses `--columns role=heading,role=heading`; a string says what is wrong. */
export function parseMapping(spec: string): Map<string, string> | string {
  const m = new Map<string, string>();
  for (const part of spec.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const role = (eq < 0 ? '' : part.slice(0, eq)).trim().toLowerCase();
    const heading = part.slice(eq + 1).trim();
    if (eq < 0 || !(ROLES as readonly string[]).includes(role) || heading === '') return `--columns: ${JSON.stringify(part.trim())} is not role=HEADING (roles: ${ROLES.join(', ')})`;
    m.set(role, heading);
  }
  return m;
}

/** The columns a layout reads. */
export function usedColumns(l: Layout): Set<number> {
  const used = new Set<number>([l.file]);
  if (l.cls !== undefined) used.add(l.cls);
  for (const c of l.box?.cols ?? []) used.add(c);
  if (l.bbox !== undefined) used.add(l.bbox);
  if (l.coords !== undefined) used.add(l.coords);
  for (const [i] of l.oneHot ?? []) used.add(i);
  return used;
}

/** `--columns`: a usage error (exit 2) unless it parses. */
export function checkColumnsOption(spec: string): Map<string, string> {
  const m = parseMapping(spec);
  if (typeof m === 'string') throw new AnnoconvError(diag('OPTION_INVALID', m), 2);
  return m;
}
