/**
 * Semantic mask writer, into `-o DIR`: `masks/<stem>.png` an image (palette PNGs: the pixel's
 * palette index is its class index, the colours those of labelmap.txt) and `labelmap.txt` as
 * datumaro writes it, `background` first.
 *
 * Quirks worth knowing:
 * - Class indices: the dataset's categories in order, then labels as items bring them, from 0 up,
 *   skipping `--background` (the unpainted value, default 0, named `background` in the label
 *   map) and `--ignore` (default 255); at most 256 values in all (MASK_TOO_MANY past that).
 * - Instances are painted in the item's order, later over earlier (`--paint-order area`: largest
 *   first, so that small objects stay on top). Pixels of one class covered by another are counted,
 *   and so are instances merged into their class (a semantic mask has no instances).
 * - Masks are painted as they are, polygons and ellipses rasterized by cocoapi's rule (the
 *   rasterizer in src/model); keypoints, classifications, text and boxes are not (counted).
 * - One image is painted at a time: memory is O(image), never O(dataset).
 */
import { noun } from '../../core/noun.js';
import type { FormatWriter, WriteContext } from '../../core/format.js';
import type { OutputSink } from '../../core/io.js';
import { diag, type Place } from '../../core/diagnostics.js';
import { nameClash, safeRelative } from '../../core/file-tree.js';
import { loseMetadata, loseProvenance, loseRasterized, loseScore, loseUnpainted } from '../../core/loss.js';
import { encodeIndexedPng } from '../../media/png.js';
import { vocColormap } from '../../model/index-map.js';
import { canvasSize, paintStrokes, shapeRle, type Stroke } from '../../model/paint.js';
import type { Annotation, Dataset, Item } from '../../model/types.js';
import { formatLabelMap, type LabelEntry } from './labelmap.js';
import { maskValues } from './reader.js';

export function createMasksWriter(_sink: OutputSink, ctx: WriteContext): FormatWriter {
  const files = ctx.files!;
  const { background, ignore } = maskValues(ctx.options.format);
  const byArea = ctx.options.format.paintOrder === 'area';
  const classes = new ClassIndices(background, ignore);
  const palette = vocColormap();
  return {
    dataset(d: Dataset): void {
      for (const c of d.categories) classes.indexOf(c.name);
    },
    async write(item: Item, place: Place): Promise<void> {
      const size = canvasSize(item);
      if (!size) {
        ctx.report(diag('MASK_NO_SIZE', `item ${JSON.stringify(item.id)} has no image size and no mask to take one from`, place));
        return;
      }
      const rel = safeRelative('masks/' + stemOf(item) + '.png');
      if (rel === undefined) {
        ctx.report(diag('OUTPUT_PATH_UNSAFE', `item ${JSON.stringify(item.id)}: ${JSON.stringify(stemOf(item))} is not a usable PNG name in the output folder`, place));
        return;
      }
      const clash = files.claim(rel);
      if (clash) {
        ctx.report(nameClash(clash, 'MASK_NAME_TAKEN', item.id, rel, place));
        return;
      }
      const [h, w] = size;
      const strokes: Stroke[] = [];
      const perClass = new Map<number, number>();
      const unpainted: Annotation[] = [];
      const painted: Annotation[] = [];
      let unlabelled = 0;
      for (const a of item.annotations) {
        const rle = shapeRle(a, h, w);
        if (!rle) {
          unpainted.push(a);
          continue;
        }
        const c = a.label === undefined ? undefined : classes.indexOf(a.label);
        if (c === undefined) {
          if (a.label !== undefined) {
            ctx.report(diag('MASK_TOO_MANY', `item ${JSON.stringify(item.id)}: label ${JSON.stringify(a.label)} would be class 257 or more; a mask PNG numbers 256 values`, place));
            return;
          }
          unlabelled++;
          continue;
        }
        perClass.set(c, (perClass.get(c) ?? 0) + 1);
        strokes.push({ rle, value: c });
        painted.push(a);
      }
      const merged = [...perClass.values()].reduce((n, k) => n + (k > 1 ? k : 0), 0);
      if (!loseUnpainted(unpainted, 'a semantic mask', ctx, place) || !loseRasterized(painted, 'a semantic mask', ctx, place)) return;
      const attributes = painted.filter((a) => a.attributes && Object.keys(a.attributes).length).length;
      if (attributes && !ctx.lose(noun("mask's attributes", "masks' attributes"), attributes, 'a semantic mask holds a class a pixel', place)) return;
      if (painted.some((a) => a.score !== undefined) && !loseScore(1, 'a semantic mask', ctx, place)) return;
      if (unlabelled && !ctx.lose(noun('unlabelled mask'), unlabelled, 'a semantic mask paints classes', place)) return;
      const canvas = { width: w, height: h, values: new Uint8Array(w * h).fill(background) };
      const paint = paintStrokes(canvas, strokes, byArea, background);
      if (paint.coveredPixels && !ctx.lose(noun('pixel of a class under another', 'pixels of classes under others'), paint.coveredPixels, `a semantic mask holds one class a pixel: ${byArea ? 'smaller instances were painted over larger ones' : 'later instances were painted over earlier ones'}`, place)) return;
      if (paint.empty.length && !ctx.lose(noun('shape without a pixel', 'shapes without a pixel'), paint.empty.length, 'these shapes cover no pixel centre', place)) return;
      if (merged && !ctx.lose(noun('instance merged into its class', 'instances merged into their class'), merged, 'a semantic mask holds classes, not instances', place)) return;
      if (!loseMetadata(item, 'a mask PNG', ctx, place) || !loseProvenance(item, 'a mask PNG', ctx, place)) return;
      await files.write(rel, Buffer.from(encodeIndexedPng(w, h, canvas.values, palette)));
    },
    async end(): Promise<void> {
      await files.write('labelmap.txt', formatLabelMap(classes.entries(palette)));
    },
  };
}

/** The mask's name: the image's path without its extension. */
function stemOf(item: Item): string {
  const name = (item.path ?? item.url?.replace(/^.*[\\/]/, '') ?? item.id).split(/[?#]/)[0]!;
  return name.replace(/\.[A-Za-z0-9]{1,5}$/, '');
}

/** Class name -> pixel value, skipping the background and ignore values. */
class ClassIndices {
  private readonly names = new Map<number, string>();
  private readonly index = new Map<string, number>();
  private next = 0;

  constructor(private readonly background: number, private readonly ignore: number) {
    this.names.set(background, 'background');
    this.index.set('background', background);
  }

  indexOf(name: string): number | undefined {
    const known = this.index.get(name);
    if (known !== undefined) return known;
    while (this.next === this.background || this.next === this.ignore) this.next++;
    if (this.next > 255) return undefined;
    this.names.set(this.next, name);
    this.index.set(name, this.next);
    return this.next++;
  }

  /** Entries for indices 0..highest, the value's palette colour each (a gap: `_unused<i>`). */
  entries(palette: readonly [number, number, number][]): LabelEntry[] {
    const top = Math.max(...this.names.keys());
    const out: LabelEntry[] = [];
    for (let i = 0; i <= top; i++) out.push({ name: this.names.get(i) ?? (i === this.ignore ? 'ignored' : `_unused${i}`), color: palette[i]!, parts: [], actions: [] });
    return out;
  }
}
