/**
 * The one internal model every format reads into and writes from. MODEL.md beside this file is its
 * specification: units, rotation pivot, RLE order.
 */

/** What kind of media an item is. */
export type ItemKind =
  | 'image'
  | 'video'
  | 'audio'
  | 'text'
  | 'html'
  | 'pdf'
  | 'dicom'
  | 'nifti'
  | 'image_group'
  | 'image_sequence'
  | 'dicom_series';

export const ITEM_KINDS: readonly ItemKind[] = [
  'image', 'video', 'audio', 'text', 'html', 'pdf', 'dicom', 'nifti',
  'image_group', 'image_sequence', 'dicom_series',
];

/** A plain JSON object. */
export type JsonObject = { [key: string]: unknown };

/** Facts about the media file itself. Units: bytes, seconds, frames per second, hertz. */
export interface MediaFacts {
  mimeType?: string;
  fileSize?: number;
  fps?: number;
  duration?: number;
  frames?: number;
  sampleRate?: number;
  bitDepth?: number;
  codec?: string;
  channels?: number;
}

/** A media asset and its labels. */
export interface Item {
  id: string;
  kind: ItemKind;
  url?: string;
  urls?: string[];
  text?: string;
  html?: string;
  path?: string;
  title?: string;
  /** Pixels, when known. */
  width?: number;
  /** Pixels, when known. */
  height?: number;
  media?: MediaFacts;
  /** Always a plain object. */
  metadata: JsonObject;
  tags?: string[];
  annotations: Annotation[];
  /**
   * The item's annotation sets (one annotator's submission, one model's prediction) in source
   * order, empty ones included. Absent: the sets are the distinct `group`s of the annotations.
   */
  sets?: AnnotationSet[];
  /**
   * Shapes the source gave relative to an image size it does not state (Label Studio percent
   * without original_width/height): kept in the source format's extras for its own writer, and
   * refused by targets in pixels (MODEL_NO_SIZE).
   */
  unplaced?: number;
  /** Per-format passthrough, keyed by format id. */
  extras?: { [format: string]: JsonObject };
}

/** One annotation set of an item: what its annotations' `group` names. */
export interface AnnotationSet {
  /** The `group` its annotations carry. */
  group: string;
  origin: 'annotation' | 'prediction';
  /** The source's id of the set (a Label Studio annotation or prediction id). */
  id?: string;
  author?: string;
  /** ISO 8601. */
  createdAt?: string;
  /** Skipped or cancelled by its annotator (Label Studio `was_cancelled`): not ground truth. */
  cancelled?: boolean;
  /** How many of the item's `unplaced` shapes belong to this set. */
  unplaced?: number;
}

/** Fields every annotation may carry. */
export interface AnnotationCommon {
  id?: string;
  label?: string;
  categoryId?: number;
  score?: number;
  origin?: 'annotation' | 'prediction';
  author?: string;
  createdAt?: string;
  attributes?: JsonObject;
  group?: string;
  /** The `id` of the annotation this one is a part of (a VOC `<part>` of its `<object>`). */
  parent?: string;
  /**
   * A crowd region (COCO `iscrowd: 1`): one region over many objects, which COCO's evaluation
   * treats as "ignore" rather than as an object to detect. Absent for an ordinary object.
   */
  crowd?: true;
  extras?: { [format: string]: JsonObject };
}

/** Axis-aligned box in pixels; `rotation` in degrees clockwise about the top-left corner. */
export interface BoxAnnotation extends AnnotationCommon {
  kind: 'box';
  x: number;
  y: number;
  w: number;
  h: number;
  rotation?: number;
}

/** One object in one or more parts; each ring is a flat [x1, y1, x2, y2, ...] list in pixels. */
export interface PolygonAnnotation extends AnnotationCommon {
  kind: 'polygon';
  rings: number[][];
}

/** COCO-style run-length mask: size [h, w], runs over the column-major mask, zeros first. */
export interface Rle {
  size: [number, number];
  counts: number[];
}

export interface MaskAnnotation extends AnnotationCommon {
  kind: 'mask';
  rle: Rle;
}

/** [x, y, v]: v 0 = not labelled, 1 = labelled hidden, 2 = visible. */
export type Keypoint = [number, number, number];

export interface KeypointsAnnotation extends AnnotationCommon {
  kind: 'keypoints';
  points: Keypoint[];
}

export interface ClassificationAnnotation extends AnnotationCommon {
  kind: 'classification';
  labels: string[];
}

/** Code point offsets into the item text, end exclusive. */
export interface SpanAnnotation extends AnnotationCommon {
  kind: 'span';
  start: number;
  end: number;
  text?: string;
}

export interface TextAnnotation extends AnnotationCommon {
  kind: 'text';
  values: string[];
}

/** Ellipse in pixels: centre, radii along its own axes, `rotation` in degrees clockwise about the centre. */
export interface EllipseAnnotation extends AnnotationCommon {
  kind: 'ellipse';
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  rotation?: number;
}

export interface RelationAnnotation extends AnnotationCommon {
  kind: 'relation';
  from: string;
  to: string;
  direction: 'left' | 'right' | 'bi';
  labels?: string[];
}

export type Annotation =
  | BoxAnnotation
  | PolygonAnnotation
  | EllipseAnnotation
  | MaskAnnotation
  | KeypointsAnnotation
  | ClassificationAnnotation
  | SpanAnnotation
  | TextAnnotation
  | RelationAnnotation;

export type AnnotationKind = Annotation['kind'];

export const ANNOTATION_KINDS: readonly AnnotationKind[] = [
  'box', 'polygon', 'ellipse', 'mask', 'keypoints', 'classification', 'span', 'text', 'relation',
];

export interface Category {
  id: number;
  name: string;
  supercategory?: string;
  keypoints?: string[];
  /** 1-based index pairs into `keypoints`, as COCO. */
  skeleton?: [number, number][];
  extras?: { [format: string]: JsonObject };
}

/** What belongs to the file rather than to one item. */
export interface Dataset {
  categories: Category[];
  info?: JsonObject;
  licenses?: JsonObject[];
  extras?: { [format: string]: JsonObject };
}

/** A fresh item with the required fields set. */
export function newItem(id: string, kind: ItemKind): Item {
  return { id, kind, metadata: {}, annotations: [] };
}
