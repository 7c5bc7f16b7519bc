/**
 * What is drawn over one image: an SVG (boxes, rotated boxes, polygons with holes, ellipses,
 * keypoints with their skeleton, tags) and a raster layer for masks, at the drawing's size.
 *
 * Conventions (the pixel tests hold them):
 * - Outlines lie inside their shape, on its edge pixels: an axis-aligned box as an inset
 *   rectangle, other shapes as a stroke twice as wide clipped to the shape (even-odd, so a hole's
 *   outline lies in the ring around it and the hole stays clear). Nothing is painted outside.
 * - Polygons, ellipses and masks are filled translucent (even-odd for polygon holes); boxes are not.
 * - Predictions (origin 'prediction', a prediction set, or a score) are dashed; ground truth solid.
 * - Masks are sampled at the drawing's pixel centres (drawing.ts) and outlined by their boundary.
 */
import { extentOf, fitWithin, insetRect, maskOnGrid, maskOutline, outlineRings, placeInImage, scaleFlat, scaleOf, type Scale } from '../model/drawing.js';
import type { Annotation, Category, Item, KeypointsAnnotation, Rle } from '../model/types.js';
import { labelsOf } from '../ops/stats.js';
import { labelColour, labelRgb } from './colour.js';

/** The drawing's geometry: the source image is w x h pixels, drawn at W x H. */
export interface Canvas {
  w: number;
  h: number;
  W: number;
  H: number;
}

export interface DrawOptions {
  /** Labels and scores as small tags beside their shapes (default true). */
  tags?: boolean;
}

/** An annotation, or the whole item, that is not (or only partly) on the picture, and why. */
export interface NotDrawn {
  /** "box 'car' #3": kind, label and position in the item's annotations; absent for the item. */
  annotation?: string;
  why: string;
  /** Drawn in part (clipped by the image edge). */
  partly?: true;
}

export interface Overlay {
  svg: string;
  /** W x H RGBA pixels of the masks, when there are masks. */
  masks?: Buffer;
  notDrawn: NotDrawn[];
}

/** Skeletons of keypoint categories, found by category id, then by name. */
export class Skeletons {
  private readonly byId = new Map<number, [number, number][]>();
  private readonly byName = new Map<string, [number, number][]>();

  constructor(categories: readonly Category[] = []) {
    for (const c of categories) {
      if (!c.skeleton?.length) continue;
      this.byId.set(c.id, c.skeleton);
      if (!this.byName.has(c.name)) this.byName.set(c.name, c.skeleton);
    }
  }

  of(a: Annotation): [number, number][] {
    return (a.categoryId !== undefined ? this.byId.get(a.categoryId) : undefined) ?? (a.label !== undefined ? this.byName.get(a.label) : undefined) ?? [];
  }
}

const f = (v: number): string => String(Math.round(v * 100) / 100);
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** "box 'car' #3": how the page names an annotation. */
export function describe(a: Annotation, index: number): string {
  const label = labelsOf(a)[0];
  return `${a.kind}${label !== undefined ? ` ${JSON.stringify(label)}` : ''} #${index + 1}${a.id !== undefined ? ` (id ${a.id})` : ''}`;
}

/** Whether an annotation is a prediction: by origin, by its set's origin, or by carrying a score. */
function isPrediction(item: Item, a: Annotation): boolean {
  if (a.origin === 'prediction' || a.score !== undefined) return true;
  return a.group !== undefined && item.sets?.some((s) => s.group === a.group && s.origin === 'prediction') === true;
}

/** The SVG path data of rings in drawing pixels. */
function pathOf(rings: readonly (readonly number[])[], s: Scale): string {
  return rings
    .filter((r) => r.length >= 6)
    .map((r) => {
      const p = scaleFlat(r, s);
      let d = `M${f(p[0]!)} ${f(p[1]!)}`;
      for (let i = 2; i + 1 < p.length; i += 2) d += `L${f(p[i]!)} ${f(p[i + 1]!)}`;
      return d + 'Z';
    })
    .join('');
}

/** Builds the SVG and mask layer of one item (see the module comment). */
export class OverlayBuilder {
  private readonly defs: string[] = [];
  private readonly shapes: string[] = [];
  private readonly tags: string[] = [];
  private masks: Buffer | undefined;
  readonly notDrawn: NotDrawn[] = [];
  private readonly s: Scale;
  /** Stroke width in drawing pixels: 1 up to 599 px, then one more each 400 px. */
  private readonly lw: number;
  private readonly font: number;
  private classTagY = 0;

  constructor(
    private readonly item: Item,
    private readonly c: Canvas,
    private readonly skeletons: Skeletons,
    private readonly opts: DrawOptions = {},
  ) {
    this.s = scaleOf(c.w, c.h, c.W, c.H);
    this.lw = Math.max(1, Math.round(Math.max(c.W, c.H) / 400));
    this.font = Math.max(9, Math.round(Math.max(c.W, c.H) / 55));
  }

  /** Draws every annotation of the item, and returns the overlay. */
  build(): Overlay {
    this.item.annotations.forEach((a, i) => this.add(a, i));
    const { W, H } = this.c;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"><defs>${this.defs.join('')}</defs>${this.shapes.join('')}${this.tags.join('')}</svg>`;
    return { svg, ...(this.masks ? { masks: this.masks } : {}), notDrawn: this.notDrawn };
  }

  private add(a: Annotation, index: number): void {
    const what = describe(a, index);
    if (a.kind === 'span' || a.kind === 'text' || a.kind === 'relation') {
      this.notDrawn.push({ annotation: what, why: `a ${a.kind} annotation has no place on an image` });
      return;
    }
    if (a.kind === 'classification') {
      for (const l of a.labels) this.classTag(l, a.score);
      return;
    }
    const place = placeInImage(a, this.c.w, this.c.h);
    if (place === 'outside') {
      this.notDrawn.push({ annotation: what, why: `outside the ${this.c.w}x${this.c.h} image` });
      return;
    }
    if (place === 'partly') this.notDrawn.push({ annotation: what, why: `partly outside the ${this.c.w}x${this.c.h} image (drawn clipped)`, partly: true });
    const colour = labelColour(labelsOf(a)[0]);
    const dash = isPrediction(this.item, a) ? ` stroke-dasharray="${4 * this.lw} ${3 * this.lw}"` : '';
    if (a.kind === 'mask') return this.mask(a.rle, a, what, dash !== '');
    if (a.kind === 'keypoints') return this.keypoints(a, colour, dash);
    if (a.kind === 'box' && !a.rotation) {
      const r = insetRect(a.x, a.y, a.w, a.h, this.s, this.lw);
      this.shapes.push(`<rect x="${f(r.x)}" y="${f(r.y)}" width="${f(r.w)}" height="${f(r.h)}" fill="none" stroke="${colour}" stroke-width="${this.lw}"${dash}/>`);
    } else {
      const rings = outlineRings(a)!;
      const d = pathOf(rings, this.s);
      if (d === '') {
        this.notDrawn.push({ annotation: what, why: 'no ring of 3 points or more' });
        return;
      }
      const id = `c${this.defs.length}`;
      this.defs.push(`<clipPath id="${id}"><path d="${d}" clip-rule="evenodd"/></clipPath>`);
      const fill = a.kind === 'box' ? 'fill="none"' : `fill="${colour}" fill-opacity="0.25" fill-rule="evenodd"`;
      this.shapes.push(`<path d="${d}" ${fill} stroke="${colour}" stroke-width="${2 * this.lw}"${dash} clip-path="url(#${id})"/>`);
    }
    this.tag(a, colour);
  }

  private mask(rle: Rle, a: Annotation, what: string, dashed: boolean): void {
    const [mh, mw] = rle.size;
    if (mh !== this.c.h || mw !== this.c.w) {
      this.notDrawn.push({ annotation: what, why: `mask of ${mw}x${mh} on a ${this.c.w}x${this.c.h} image` });
      return;
    }
    const { W, H } = this.c;
    const bits = maskOnGrid(rle, W, H);
    const edge = maskOutline(bits, W, H, this.lw);
    const [r, g, b] = labelRgb(labelsOf(a)[0]);
    const layer = (this.masks ??= Buffer.alloc(W * H * 4));
    const period = 7 * this.lw;
    for (let Y = 0; Y < H; Y++)
      for (let X = 0; X < W; X++) {
        const i = Y * W + X;
        if (!bits[i]) continue;
        // a prediction's outline in dashes along the diagonal
        const solid = edge[i] && (!dashed || (X + Y) % period < 4 * this.lw);
        const o = i * 4;
        if (!solid && layer[o + 3] === 255) continue; // an earlier outline stays
        layer[o] = r;
        layer[o + 1] = g;
        layer[o + 2] = b;
        layer[o + 3] = solid ? 255 : 90;
      }
    this.tag(a, labelColour(labelsOf(a)[0]));
  }

  private keypoints(a: KeypointsAnnotation, colour: string, dash: string): void {
    const p = a.points.map(([x, y, v]) => [x * this.s.sx, y * this.s.sy, v] as const);
    for (const [i, j] of this.skeletons.of(a)) {
      const u = p[i - 1];
      const v = p[j - 1];
      if (!u || !v || u[2] <= 0 || v[2] <= 0) continue;
      this.shapes.push(`<line x1="${f(u[0])}" y1="${f(u[1])}" x2="${f(v[0])}" y2="${f(v[1])}" stroke="${colour}" stroke-width="${this.lw}"${dash}/>`);
    }
    const r = Math.max(2, 1.5 * this.lw);
    for (const [x, y, v] of p) {
      if (v <= 0) continue;
      // visible: filled; labelled but hidden: hollow
      const fill = v >= 2 ? colour : '#ffffff';
      this.shapes.push(`<circle cx="${f(x)}" cy="${f(y)}" r="${f(r)}" fill="${fill}" stroke="${colour}" stroke-width="${this.lw}"/>`);
    }
    if (p.some((q) => q[2] > 0)) this.tag(a, colour);
  }

  /** A label tag above the shape's top-left corner (inside it when there is no room above). */
  private tag(a: Annotation, colour: string): void {
    if (this.opts.tags === false) return;
    const label = labelsOf(a)[0];
    if (label === undefined && a.score === undefined) return;
    const box = extentOf(a);
    if (!box) return;
    const x = Math.max(0, Math.min(this.c.W - 1, box.x * this.s.sx));
    const y = Math.max(0, Math.min(this.c.H - 1, box.y * this.s.sy));
    const th = this.font + 4;
    this.pushTag(x, y - th >= 0 ? y - th : Math.max(0, y), tagText(label, a.score), colour);
  }

  private classTag(label: string, score: number | undefined): void {
    if (this.opts.tags === false) return;
    this.pushTag(0, this.classTagY, tagText(label, score), labelColour(label));
    this.classTagY += this.font + 5;
  }

  private pushTag(x: number, y: number, text: string, colour: string): void {
    const th = this.font + 4;
    const tw = Math.ceil(text.length * this.font * 0.62) + 6;
    this.tags.push(`<rect x="${f(x)}" y="${f(y)}" width="${tw}" height="${th}" fill="${colour}" fill-opacity="0.85"/><text x="${f(x + 3)}" y="${f(y + th - 4)}" font-family="DejaVu Sans, sans-serif" font-size="${this.font}" fill="#ffffff">${esc(text)}</text>`);
  }
}

const tagText = (label: string | undefined, score: number | undefined): string => [label, score !== undefined ? score.toFixed(2) : undefined].filter((t) => t !== undefined).join(' ');

/** The drawing size and overlay of an item whose image is w x h pixels, at most max on a side. */
export function overlayFor(item: Item, w: number, h: number, max: number, skeletons: Skeletons, opts: DrawOptions = {}): Overlay & Canvas {
  const { width: W, height: H } = fitWithin(w, h, max);
  const c = { w, h, W, H };
  return { ...c, ...new OverlayBuilder(item, c, skeletons, opts).build() };
}
