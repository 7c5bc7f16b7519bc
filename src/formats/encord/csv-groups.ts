/**
 * Image groups and DICOM series of an Encord CSV: rows with the same title form one group, in row
 * order, wherever they are in the file (FORMATS.md §3.3). A group is complete only at the end of
 * the file, so member URLs go to a spill file as rows arrive and groups are built at the end, in
 * the order of their first rows. Memory: one title and a few numbers a group, plus one group's URLs.
 *
 * When every group's rows are consecutive (the usual layout) the spill file is read once in order.
 * Otherwise it is first split into buckets of BUCKET groups by ordinal, each read whole.
 */
import { SpillDir, type SpillFile } from '../../core/spill.js';

const BUCKET = 1024;

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
  private readonly spill = new SpillDir('annoconv-encord-csv-');
  private file: SpillFile | undefined;
  private last = -1;
  private contiguous = true;

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
      g = this.titles.length;
      if (key !== undefined) this.ids.set(key, g);
      this.types.push(type);
      this.titles.push(title);
      this.sequence.push(sequence);
      this.section.push(sectionNo);
      this.line.push(line);
      this.offset.push(offset);
    } else {
      if (this.sequence[g] !== sequence) return { reused: false, conflictLine: this.line[g]!, created: false };
      if (this.section[g] !== sectionNo) {
        reused = true;
        this.section[g] = sectionNo;
      }
    }
    // a group's rows resume after another group's: the groups are interleaved
    if (!created && g !== this.last) this.contiguous = false;
    this.last = g;
    (this.file ??= this.spill.file('rows')).append(g + '\t' + url);
    return { reused, created };
  }

  /** The groups, in the order of their first rows, each with its URLs in row order. */
  async *groups(): AsyncGenerator<Group> {
    try {
      if (!this.file) return;
      if (this.contiguous) {
        let cur = -1;
        let urls: string[] = [];
        for await (const l of this.file.stream()) {
          const tab = l.indexOf('\t');
          const g = Number(l.slice(0, tab));
          if (g !== cur && cur >= 0) yield this.group(cur, urls.splice(0));
          cur = g;
          urls.push(l.slice(tab + 1));
        }
        if (cur >= 0) yield this.group(cur, urls);
        return;
      }
      const buckets: SpillFile[] = [];
      for await (const l of this.file.stream()) {
        const b = Math.floor(Number(l.slice(0, l.indexOf('\t'))) / BUCKET);
        (buckets[b] ??= this.spill.file(`bucket-${b}`)).append(l);
      }
      for (const bucket of buckets) {
        if (!bucket) continue;
        const members = new Map<number, string[]>();
        for (const l of bucket.lines()) {
          const tab = l.indexOf('\t');
          const g = Number(l.slice(0, tab));
          let list = members.get(g);
          if (!list) members.set(g, (list = []));
          list.push(l.slice(tab + 1));
        }
        for (const g of [...members.keys()].sort((a, b) => a - b)) yield this.group(g, members.get(g)!);
      }
    } finally {
      this.spill.remove();
    }
  }

  /** Removes the spill files (when the groups are not read). */
  discard(): void {
    this.spill.remove();
  }

  private group(g: number, urls: string[]): Group {
    return { type: this.types[g]!, title: this.titles[g]!, sequence: this.sequence[g]!, line: this.line[g]!, offset: this.offset[g]!, urls };
  }
}
