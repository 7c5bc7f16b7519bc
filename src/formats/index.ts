/**
 * The built-in formats, in detection-priority order. Adding a format = one line here plus its folder.
 */
import type { FormatDescriptor } from '../core/format.js';
import { annoconv } from './annoconv/index.js';
import { coco, cocoResults } from './coco/index.js';
import { cocoPanoptic } from './coco-panoptic/index.js';
import { annottoExport, jsonl } from './jsonl/index.js';
import { encordCsv, encordJson } from './encord/index.js';
import { labelStudio, labelStudioBulk, labelStudioMin } from './labelstudio/index.js';
import { csv } from './csv/index.js';
import { voc } from './voc/index.js';
import { yolo } from './yolo/index.js';
import { masks } from './masks/index.js';
import { sa1b } from './sa1b/index.js';
import { remoJson } from './remo/index.js';
import { annottoAnnotations, annottoPredictions } from './annotto/index.js';

export const FORMATS: readonly FormatDescriptor[] = [
  annoconv,
  jsonl,
  annottoExport,
  coco,
  cocoResults,
  cocoPanoptic,
  encordJson,
  encordCsv,
  labelStudio,
  labelStudioBulk,
  labelStudioMin,
  csv,
  voc,
  yolo,
  masks,
  sa1b,
  remoJson,
  annottoPredictions,
  annottoAnnotations,
];
