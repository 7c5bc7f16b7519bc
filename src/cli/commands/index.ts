/** The command list: each command's name and positionals, its description, and its module. */
import type { Argv } from 'yargs';
import type { Args } from '../common.js';
import * as convert from './convert.js';
import * as validate from './validate.js';
import * as scan from './scan.js';
import * as detect from './detect.js';
import * as formats from './formats.js';
import * as schema from './schema.js';
import * as stats from './stats.js';
import * as filter from './filter.js';
import * as remap from './remap.js';
import * as split from './split.js';
import * as merge from './merge.js';
import * as diff from './diff.js';
import * as preview from './preview.js';

export interface CommandEntry {
  command: string;
  describe: string;
  builder(y: Argv): Argv;
  /** Returns the exit code; throws AnnoconvError for usage and I/O errors. */
  handler(a: Args): number | Promise<number>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { command: 'convert [input]', describe: 'convert INPUT (a file, or stdin) from one format to another', ...convert },
  { command: 'validate [inputs..]', describe: 'validate files (or stdin) and report every problem with its place', ...validate },
  { command: 'scan <dirs..>', describe: 'make items of the media files below folders (images, DICOM series, NIfTI, ...) and write them in any format', ...scan },
  { command: 'stats [input]', describe: 'count what is in a dataset: items, annotations by kind and label, box sizes, duplicates, shapes outside the image', ...stats },
  { command: 'filter [input]', describe: 'keep the items and annotations that match (labels, kinds, score, area, ids), in any format', ...filter },
  { command: 'remap [input]', describe: 'rename, merge and drop labels from a map file; category ids follow', ...remap },
  { command: 'split [input]', describe: 'split items into train/val/test by a hash of their id (optionally stratified by label), one output a split', ...split },
  { command: 'merge [inputs..]', describe: 'several inputs (any formats) as one output: categories reconciled by name, repeated items merged, renamed apart or refused', ...merge },
  { command: 'diff [a] [b]', describe: 'what changed between two versions of a dataset: items only in one, annotations added, removed, moved (with IoU) and relabelled; exit 1 when they differ', ...diff },
  { command: 'preview [input]', describe: 'draw the annotations on their images: a static HTML page (-o NAME.html) or one PNG per item and a contact sheet (-o DIR)', ...preview },
  { command: 'detect <input>', describe: 'print the format id of INPUT, detected from its content', ...detect },
  { command: 'formats', describe: 'list the formats and what annoconv can do with each', ...formats },
  { command: 'schema <format>', describe: "print the JSON Schema a format's records are checked against", ...schema },
];
