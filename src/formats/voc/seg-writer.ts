/**
 * VOC segmentation, written: for items with masks, `SegmentationClass/<stem>.png` and
 * `SegmentationObject/<stem>.png` beside the XMLs, palette PNGs with the VOC colour map as the
 * devkit ships them, `ImageSets/Segmentation/default.txt` listing the stems, and `labelmap.txt`
 * (datumaro's form) naming the class indices.
 *
 * Quirks worth knowing:
 * - Class indices follow VOC's list (background 0, aeroplane 1 ... tvmonitor 20); other labels
 *   get 21, 22, ... in the order the dataset's categories, then the items, name them.
 * - Instance k is the k-th object of the XML (the devkit's rule), painted in object order, later
 *   over earlier; 255 is void: the source's void band (`extras.voc.void`) is painted last.
 * - Masks are painted as they are, polygons and ellipses rasterized by cocoapi's rule; boxes are
 *   not painted (a box is not a segmentation). At most 254 instances an image.
 */
import { noun } from '../../core/noun.js';
import type { WriteContext } from '../../core/format.js';
import type { Place } from '../../core/diagnostics.js';
import { encodeIndexedPng } from '../../media/png.js';
import { paintRle, vocColormap } from '../../model/index-map.js';
import { canvasSize, paintStrokes, shapeRle } from '../../model/paint.js';
import type { Annotation, Category, Item, Rle } from '../../model/types.js';
import { formatLabelMap, VOC_CLASSES, type LabelEntry } from '../masks/labelmap.js';

const VOID = 255;

/** An annotation to paint and the object (0-based, in XML order) it is. */
export interface SegInstance {
  annotation: Annotation;
  object: number;
}

/** Whether a shape is painted into the segmentation PNGs: masks, polygons, ellipses (not boxes). */
export function paintable(a: Annotation): boolean {
  return a.kind === 'mask' || a.kind === 'polygon' || a.kind === 'ellipse';
}

export class VocSegWriter {
  private readonly names: string[] = [...VOC_CLASSES];
  private readonly index = new Map<string, number>(VOC_CLASSES.map((n, i) => [n, i]));
  private readonly stems: string[] = [];
  private readonly palette = vocColormap();

  constructor(private readonly ctx: WriteContext) {}

  /** Gives the dataset's category names their indices first. */
  setCategories(categories: readonly Category[]): void {
    for (const c of categories) this.indexOf(c.name);
  }

  private indexOf(name: string): number | undefined {
    let i = this.index.get(name);
    if (i === undefined) {
      if (this.names.length >= VOID) return undefined;
      i = this.names.length;
      this.names.push(name);
      this.index.set(name, i);
    }
    return i;
  }

  /**
   * Writes the two PNGs of an item (nothing when it has no instance and no void); false when a
   * loss was refused (--strict).
   */
  async write(item: Item, stem: string, instances: readonly SegInstance[], place: Place): Promise<boolean> {
    const voidRle = item.extras?.voc?.void as Rle | undefined;
    if (!instances.length && !voidRle) return true;
    const size = canvasSize(item);
    if (!size) return this.ctx.lose(noun('mask of an image without a size', 'masks of images without a size'), instances.length, 'segmentation PNGs are painted at the image size', place);
    const [h, w] = size;
    const cls = { width: w, height: h, values: new Uint8Array(w * h) };
    const obj = { width: w, height: h, values: new Uint8Array(w * h) };
    let unnumbered = 0;
    let unlabelled = 0;
    const classStrokes = [];
    const objectStrokes = [];
    for (const { annotation: a, object } of instances) {
      const rle = shapeRle(a, h, w);
      if (!rle) continue;
      const c = a.label === undefined ? undefined : this.indexOf(a.label);
      if (c === undefined) unlabelled++;
      else classStrokes.push({ rle, value: c });
      if (object + 1 >= VOID) unnumbered++;
      else objectStrokes.push({ rle, value: object + 1 });
    }
    if (unlabelled && !this.ctx.lose(noun('mask without a class index', 'masks without a class index'), unlabelled, `unlabelled, or beyond the ${VOID - 1} classes a VOC class PNG can number: left out of SegmentationClass`, place)) return false;
    if (unnumbered && !this.ctx.lose(noun('instance beyond the 254th', 'instances beyond the 254th'), unnumbered, 'SegmentationObject numbers instances 1-254 (255 is void)', place)) return false;
    paintStrokes(cls, classStrokes);
    const painted = paintStrokes(obj, objectStrokes);
    if (painted.coveredPixels && !this.ctx.lose(noun('pixel of an instance under a later one', 'pixels of instances under later ones'), painted.coveredPixels, 'a VOC segmentation holds one instance a pixel: later objects were painted over earlier ones', place)) return false;
    if (painted.hidden.length && !this.ctx.lose(noun('instance hidden by later ones', 'instances hidden by later ones'), painted.hidden.length, 'every pixel of these instances is under later objects', place)) return false;
    if (voidRle) {
      paintRle(cls, voidRle, VOID);
      paintRle(obj, voidRle, VOID);
    }
    await this.ctx.files!.write(`SegmentationClass/${stem}.png`, Buffer.from(encodeIndexedPng(w, h, cls.values, this.palette)));
    await this.ctx.files!.write(`SegmentationObject/${stem}.png`, Buffer.from(encodeIndexedPng(w, h, obj.values, this.palette)));
    this.stems.push(stem);
    return true;
  }

  /** The image list and the label map, when any segmentation was written. */
  async end(): Promise<void> {
    if (!this.stems.length) return;
    await this.ctx.files!.write('ImageSets/Segmentation/default.txt', this.stems.join('\n') + '\n');
    const entries: LabelEntry[] = this.names.map((name, i) => ({ name, color: this.palette[i]!, parts: [], actions: [] }));
    entries.push({ name: 'ignored', color: this.palette[VOID]!, parts: [], actions: [] });
    await this.ctx.files!.write('labelmap.txt', formatLabelMap(entries));
  }
}
