/**
 * YOLO writer, into `-o DIR` in the layout Ultralytics and the Label Studio SDK read:
 * `labels/<stem>.txt`, or `labels/<split>/<stem>.txt` for an image below `images/<split>/`
 * (layout.ts), `classes.txt` (one name a line: darknet, the SDK) and `data.yaml` (Ultralytics:
 * `path`, `train`/`val`/`test` when the items' paths name splits, `names`). The images themselves
 * go to `images/` beside `labels/` with the same relative path; annoconv does not copy them.
 *
 * Quirks worth knowing:
 * - Fractions of the image size: items need their width and height (refused by name otherwise).
 * - Class ids are kept, never compacted (class-table.ts): a YOLO source's ids and unused classes
 *   come back as they were; COCO's ids from 1 become 0..n-1 in id order, said in a note.
 * - `path: ""` in data.yaml: Ultralytics then takes the folder of data.yaml as the dataset root
 *   (`check_det_dataset`), wherever the folder is moved; a relative path would be read from the
 *   working directory or Ultralytics' datasets folder.
 * - `--yolo-task` picks the line form: detect (`class cx cy w h`, default), segment
 *   (`class x1 y1 ...`), obb (`class x1 y1 ... x4 y4`). YOLO has no attributes, no ids, no scores
 *   in ground truth: dropped and counted (lines.ts says what else is).
 */
import { stringify } from 'yaml';
import { noun } from '../../core/noun.js';
import type { FormatWriter, WriteContext } from '../../core/format.js';
import type { OutputSink } from '../../core/io.js';
import { diag, type Place } from '../../core/diagnostics.js';
import { nameClash, safeRelative } from '../../core/file-tree.js';
import { loseForeignExtras, loseMetadata, loseProvenance } from '../../core/loss.js';
import type { Dataset, Item } from '../../model/types.js';
import { ClassTable } from './class-table.js';
import { labelPlace } from './layout.js';
import { labelLines, type Task } from './lines.js';

type SplitKey = 'train' | 'val' | 'test';

export function createYoloWriter(_sink: OutputSink, ctx: WriteContext): FormatWriter {
  const task: Task = ctx.options.format.yoloTask === 'segment' || ctx.options.format.yoloTask === 'obb' ? ctx.options.format.yoloTask : 'detect';
  const files = ctx.files!;
  const table = new ClassTable(ctx.report);
  const splits = new Map<SplitKey, Set<string>>();
  return {
    dataset(d: Dataset): void {
      table.setCategories(d.categories);
      if (d.info || d.licenses?.length) ctx.lose(noun('dataset description (info, licenses)', 'dataset descriptions (info, licenses)'), 1, 'YOLO has no dataset description');
    },
    async write(item: Item, place: Place): Promise<void> {
      if (!(item.width! > 0) || !(item.height! > 0)) {
        ctx.report(diag('YOLO_NO_SIZE', `item ${JSON.stringify(item.id)} has no width and height: YOLO coordinates are fractions of the image size (give sizes in the source, or --media-root)`, place));
        return;
      }
      const at = labelPlace(item);
      const rel = at && safeRelative(at.rel);
      if (!at || rel === undefined) {
        ctx.report(diag('OUTPUT_PATH_UNSAFE', `item ${JSON.stringify(item.id)}: ${JSON.stringify(at?.rel ?? item.path ?? item.url ?? item.id)} is not a usable label file name (no file name, a hidden name, or a name over 255 bytes)`, place));
        return;
      }
      const clash = files.claim(rel);
      if (clash) {
        ctx.report(nameClash(clash, 'YOLO_NAME_TAKEN', item.id, rel, place));
        return;
      }
      const lines = labelLines(item, task, table, ctx, place);
      if (!lines) return;
      if (!loseForeignExtras(item, 'yolo', 'YOLO', ctx, place)) return;
      if (!loseMetadata(item, 'YOLO', ctx, place)) return;
      if (!loseProvenance(item, 'YOLO', ctx, place)) return;
      if (at.split) (splits.get(at.split.key) ?? splits.set(at.split.key, new Set()).get(at.split.key)!).add(at.split.dir);
      await files.write(rel, lines.length ? lines.join('\n') + '\n' : '');
    },
    async end(): Promise<void> {
      const { names: listed, unnamed } = table.list();
      if (unnamed.length) ctx.report(diag('YOLO_CLASS_UNNAMED', `class id${unnamed.length > 1 ? 's' : ''} ${shortList(unnamed)} ${unnamed.length > 1 ? 'have' : 'has'} no category: named ${shortList(unnamed.map((id) => listed[id]!))} in classes.txt and data.yaml, so that the ids after ${unnamed.length > 1 ? 'them' : 'it'} keep their numbers (Ultralytics needs a name for every id from 0)`));
      // a line break in a name would make two lines of classes.txt and shift every id after it
      const names = listed.map((n) => n.replace(/[\r\n]+/g, ' '));
      const broken = names.filter((n, i) => n !== listed[i]).length;
      if (broken) ctx.lose(noun('class name with a line break', 'class names with line breaks'), broken, 'classes.txt holds one name a line (a space was written instead, in data.yaml too)');
      await files.write('classes.txt', names.length ? names.join('\n') + '\n' : '');
      await files.write('data.yaml', dataYaml(names, unnamed.length > 0, splits));
    },
  };
}

const shortList = (xs: readonly (string | number)[]): string => (xs.length > 10 ? `${xs.slice(0, 10).join(', ')}, ... (${xs.length} in all)` : xs.join(', '));

/** data.yaml: names as a list, or as an {id: name} map when some ids were unnamed (so the ids show). */
function dataYaml(names: string[], asMap: boolean, splits: Map<SplitKey, Set<string>>): string {
  const doc: Record<string, unknown> = { path: '' };
  for (const key of ['train', 'val', 'test'] as const) {
    const dirs = [...(splits.get(key) ?? [])].sort().map((d) => `images/${d}`);
    if (dirs.length) doc[key] = dirs.length === 1 ? dirs[0] : dirs;
  }
  doc.names = asMap ? new Map(names.map((n, i) => [i, n])) : names;
  const head = [
    '# YOLO dataset written by annoconv. Class ids are the ids of names.',
    '# path "": the dataset root is the folder of this file; images go to images/ beside labels/,',
    '# with the same relative path (labels/train/a.txt is the label file of images/train/a.jpg).',
  ];
  if (!splits.size) head.push('# The image paths name no split folder: to train, add train: and val: (image folders below path).');
  return head.join('\n') + '\n' + stringify(doc);
}
