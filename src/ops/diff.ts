/**
 * `annoconv diff A B`: what changed between two versions of a dataset, in any readable formats.
 *
 * Items are paired by media URL, else path, else id (merge's key). Within a pair, annotations are
 * compared within their annotation set (group): shapes are matched greedily by IoU, highest first,
 * among pairs of one label at or above the threshold (`same` when IoU is 1 and the rest equal,
 * else `moved` with the IoU), then among pairs of different labels (`relabelled`); what is left is
 * `removed` (in A only) or `added` (in B only). IoU: boxes without rotation by their overlap;
 * other shapes by rasterizing both on the item's size with the COCO rule (src/model/rasterize.ts),
 * or by their envelopes when the size is unknown. Labels without geometry (classifications, text,
 * spans, keypoints, relations) match when equal in everything but id, author and time.
 *
 * Memory: both inputs are spilled to temporary files partitioned by a hash of the item key, and
 * compared partition by partition: the items of one partition of A are held at a time.
 */
import { statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { shapeIou } from '../model/rasterize.js';
import type { Annotation } from '../model/types.js';
import { SpillDir, type SpillFile } from '../core/spill.js';
import { validate, type CommonParams, type RunResult } from '../core/run.js';
import { itemKey } from './merge.js';
import { labelsOf } from './stats.js';

export type ChangeKind = 'added' | 'removed' | 'moved' | 'relabelled';

export interface AnnotationChange {
  change: ChangeKind;
  kind: string;
  label?: string;
  /** relabelled: the label in B. */
  to?: string;
  iou?: number;
  /** The annotation's id in A (removed, moved, relabelled) or B (added), when it has one. */
  id?: string;
}

export interface ItemDiff {
  key: string;
  changes: AnnotationChange[];
}

export interface LabelTotals {
  same: number;
  added: number;
  removed: number;
  moved: number;
  relabelled: number;
}

export interface DiffReport {
  equal: boolean;
  onlyInA: string[];
  onlyInB: string[];
  items: ItemDiff[];
  totals: Record<string, LabelTotals>;
  /** Items in both. */
  common: number;
}

export interface DiffParams {
  a: string | CommonParams['input'];
  b: string | CommonParams['input'];
  /** Formats of A and B (detected when absent). */
  fromA?: string;
  fromB?: string;
  /** Least IoU for two shapes to be the same object (default 0.5). */
  iou?: number;
  options?: CommonParams['options'];
  onDiagnostic?: CommonParams['onDiagnostic'];
}

export interface DiffResult {
  report: DiffReport;
  runs: [RunResult, RunResult];
}

const SHAPES = new Set(['box', 'polygon', 'mask', 'ellipse']);
const PART_BYTES = 64 * 1024 * 1024;
const MAX_PARTS = 32;

function partitions(input: unknown): number {
  if (typeof input !== 'string' || input === '-') return 16;
  try {
    return Math.max(1, Math.min(MAX_PARTS, Math.ceil(statSync(input).size / PART_BYTES)));
  } catch {
    return 1;
  }
}

/** An item key as people read it: the URL or path, or `id N`. */
export const showKey = (key: string): string => (key.startsWith('i:') ? `id ${key.slice(2)}` : key.slice(2));

const partOf = (key: string, n: number): number => (n === 1 ? 0 : createHash('md5').update(key).digest().readUInt32BE(0) % n);

/** An annotation without what does not make it another annotation (id, author, time, extras). */
function content(a: Annotation): string {
  const { id: _i, author: _a, createdAt: _c, extras: _e, group: _g, ...rest } = a;
  return JSON.stringify(rest);
}
const labelOf = (a: Annotation): string | undefined => labelsOf(a).join(', ') || undefined;
const withId = (a: Annotation): { id?: string } => (a.id !== undefined ? { id: a.id } : {});

/** The changes between two versions of one item's annotations. */
export function diffAnnotations(A: readonly Annotation[], B: readonly Annotation[], threshold: number, width?: number, height?: number): { changes: AnnotationChange[]; same: Annotation[] } {
  const changes: AnnotationChange[] = [];
  const same: Annotation[] = [];
  const usedA = new Set<number>(), usedB = new Set<number>();
  // labels without geometry: equal or not
  const plainB = new Map<string, number[]>();
  B.forEach((b, j) => {
    if (SHAPES.has(b.kind)) return;
    const k = (b.group ?? '') + '\u0000' + content(b);
    (plainB.get(k) ?? plainB.set(k, []).get(k)!).push(j);
  });
  A.forEach((a, i) => {
    if (SHAPES.has(a.kind)) return;
    const js = plainB.get((a.group ?? '') + '\u0000' + content(a));
    const j = js?.shift();
    if (j !== undefined) {
      usedA.add(i);
      usedB.add(j);
      same.push(a);
    }
  });
  // shapes: candidate pairs in one group, best IoU first
  const pairs: { i: number; j: number; iou: number; sameLabel: boolean }[] = [];
  A.forEach((a, i) => {
    if (!SHAPES.has(a.kind)) return;
    B.forEach((b, j) => {
      if (!SHAPES.has(b.kind) || (a.group ?? '') !== (b.group ?? '')) return;
      const iou = shapeIou(a, b, width, height);
      if (iou >= threshold && iou > 0) pairs.push({ i, j, iou, sameLabel: labelOf(a) === labelOf(b) });
    });
  });
  pairs.sort((p, q) => q.iou - p.iou || p.i - q.i || p.j - q.j);
  for (const pass of [true, false])
    for (const p of pairs) {
      if (p.sameLabel !== pass || usedA.has(p.i) || usedB.has(p.j)) continue;
      usedA.add(p.i);
      usedB.add(p.j);
      const a = A[p.i]!, b = B[p.j]!;
      const iou = Math.round(p.iou * 1e6) / 1e6;
      if (!pass) changes.push({ change: 'relabelled', kind: a.kind, ...(labelOf(a) !== undefined ? { label: labelOf(a) } : {}), ...(labelOf(b) !== undefined ? { to: labelOf(b) } : {}), iou, ...withId(a) });
      else if (content(a) === content(b)) same.push(a);
      else changes.push({ change: 'moved', kind: a.kind, ...(labelOf(a) !== undefined ? { label: labelOf(a) } : {}), iou, ...withId(a) });
    }
  A.forEach((a, i) => {
    if (!usedA.has(i)) changes.push({ change: 'removed', kind: a.kind, ...(labelOf(a) !== undefined ? { label: labelOf(a) } : {}), ...withId(a) });
  });
  B.forEach((b, j) => {
    if (!usedB.has(j)) changes.push({ change: 'added', kind: b.kind, ...(labelOf(b) !== undefined ? { label: labelOf(b) } : {}), ...withId(b) });
  });
  return { changes, same };
}

/** Spills one input's items, partitioned by key; returns the run and the partition files. */
async function spillSide(input: DiffParams['a'], from: string | undefined, params: DiffParams, dir: SpillDir, side: string, n: number): Promise<{ run: RunResult; files: SpillFile[] }> {
  const files = Array.from({ length: n }, (_, k) => dir.file(`${side}-${k}`));
  const run = await validate({
    input,
    ...(from !== undefined ? { from } : {}),
    ...(params.options ? { options: params.options } : {}),
    ...(params.onDiagnostic ? { onDiagnostic: params.onDiagnostic } : {}),
    transform: (item) => {
      const key = itemKey(item);
      files[partOf(key, n)]!.append(JSON.stringify([key, item.width ?? null, item.height ?? null, item.annotations]));
      return item;
    },
  });
  for (const f of files) f.flush();
  return { run, files };
}

type Row = [string, number | null, number | null, Annotation[]];

/** Compares two inputs (see the module comment). */
export async function diff(params: DiffParams): Promise<DiffResult> {
  const threshold = params.iou ?? 0.5;
  const n = Math.max(partitions(params.a), partitions(params.b));
  const dir = new SpillDir('annoconv-diff-');
  try {
    const A = await spillSide(params.a, params.fromA, params, dir, 'a', n);
    const B = await spillSide(params.b, params.fromB, params, dir, 'b', n);
    const report: DiffReport = { equal: true, onlyInA: [], onlyInB: [], items: [], totals: {}, common: 0 };
    const total = (label: string | undefined): LabelTotals => (report.totals[label ?? '(no label)'] ??= { same: 0, added: 0, removed: 0, moved: 0, relabelled: 0 });
    for (let k = 0; k < n; k++) {
      const left = new Map<string, Row>();
      A.files[k]!.eachLine((line) => {
        const row = JSON.parse(line.toString('utf8')) as Row;
        left.set(row[0], row);
      });
      const rightKeys: string[] = [];
      const diffs: ItemDiff[] = [];
      B.files[k]!.eachLine((line) => {
        const [key, w, h, annotations] = JSON.parse(line.toString('utf8')) as Row;
        const mine = left.get(key);
        if (!mine) {
          rightKeys.push(showKey(key));
          for (const b of annotations) total(labelOf(b)).added++;
          return;
        }
        left.delete(key);
        report.common++;
        const d = diffAnnotations(mine[3], annotations, threshold, (mine[1] ?? w) ?? undefined, (mine[2] ?? h) ?? undefined);
        for (const a of d.same) total(labelOf(a)).same++;
        for (const c of d.changes) total(c.label)[c.change]++;
        if (d.changes.length) diffs.push({ key: showKey(key), changes: d.changes });
      });
      for (const [key, row] of left) {
        report.onlyInA.push(showKey(key));
        for (const a of row[3]) total(labelOf(a)).removed++;
      }
      report.onlyInB.push(...rightKeys);
      report.items.push(...diffs.sort((p, q) => (p.key < q.key ? -1 : p.key > q.key ? 1 : 0)));
    }
    report.onlyInA.sort();
    report.onlyInB.sort();
    report.items.sort((p, q) => (p.key < q.key ? -1 : p.key > q.key ? 1 : 0));
    report.equal = report.onlyInA.length === 0 && report.onlyInB.length === 0 && report.items.length === 0;
    report.totals = Object.fromEntries(Object.entries(report.totals).sort((x, y) => (x[0] < y[0] ? -1 : 1)));
    return { report, runs: [A.run, B.run] };
  } finally {
    dir.remove();
  }
}
