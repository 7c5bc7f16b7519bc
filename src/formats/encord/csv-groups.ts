/**
 * Image groups and DICOM series of an Encord CSV: rows with the same title form one group, in row
 * order, wherever they are in the file (FORMATS.md §3.3). A group is complete only at the end of
 * the file, so member URLs go to a spill file as rows arrive and groups are built at the end, in
 * the order of their first rows (core/grouped-spill.ts). Memory: one title and a few numbers a
 * group, plus one group's URLs.
 */
import { GroupedSpill } from '../../core/grouped-spill.js';

/**
 * Rows a group may have: a group becomes one entry, held in memory whole to be written, so a
 * larger one is refused (ENCORD_GROUP_TOO_LARGE) rather than let memory grow with it. Rows past
 * the bound are counted, not spilled. measured: a group of 200,000 rows converted to encord-json peaked at 246 MB.
 */
export const MAX_GROUP_ROWS = 100_000;

export type GroupType = 'group' | 'dicom';

export interface Group {
  type: GroupType;
  title: string;
  /** Image groups: true for a sequence (createVideo). */
  sequence: boolean;
  /** Line and byte offset of the first row. */
  line: number;
  offset: number;
  urls: string[];
  /** Rows of the group, also those past MAX_GROUP_ROWS (which are not in `urls`). */
  rows: number;
}

export interface Added {
  /** The group existed, first seen in an earlier section. */
  reused: boolean;
  /** The row's createVideo disagrees with the group's: the line of the group's first row. */
  conflictLine?: number;
  /** The group was created by this row. */
  created: boolean;
}

export class GroupCollector {
  private readonly ids = new Map<string, number>();
  private readonly types: GroupType[] = [];
  private readonly titles: string[] = [];
  private readonly sequence: boolean[] = [];
  private readonly section: number[] = [];
  private readonly line: number[] = [];
  private readonly offset: number[] = [];
  private readonly rowCount: number[] = [];
  private readonly rows = new GroupedSpill('annoconv-encord-csv-');

  get size(): number {
    return this.titles.length;
  }

  /** Adds a row to its group (created when new); a conflicting createVideo leaves the group alone. */
  add(type: GroupType, title: string, sequence: boolean, sectionNo: number, url: string, line: number, offset: number): Added {
    // an untitled row is a group of its own
    const key = title === '' ? undefined : type + '\0' + title;
    let g = key === undefined ? undefined : this.ids.get(key);
    let reused = false;
    const created = g === undefined;
    if (g === undefined) {
      g = this.rows.newGroup();
      if (key !== undefined) this.ids.set(key, g);
      this.types.push(type);
      this.titles.push(title);
      this.sequence.push(sequence);
      this.section.push(sectionNo);
      this.line.push(line);
      this.offset.push(offset);
      this.rowCount.push(0);
    } else {
      if (this.sequence[g] !== sequence) return { reused: false, conflictLine: this.line[g]!, created: false };
      if (this.section[g] !== sectionNo) {
        reused = true;
        this.section[g] = sectionNo;
      }
    }
    if (++this.rowCount[g]! <= MAX_GROUP_ROWS) this.rows.add(g, url);
    return { reused, created };
  }

  /** The groups, in the order of their first rows, each with its URLs in row order. */
  async *groups(): AsyncGenerator<Group> {
    for await (const [g, urls] of this.rows.groups()) {
      yield { type: this.types[g]!, title: this.titles[g]!, sequence: this.sequence[g]!, line: this.line[g]!, offset: this.offset[g]!, urls, rows: this.rowCount[g]! };
    }
  }

  /** Removes the spill files (when the groups are not read). */
  discard(): void {
    this.rows.discard();
  }
}
