/**
 * Grouping lines by a key in bounded memory, in order of each key's first line: the lines go to a
 * spill file tagged with their group's ordinal, and groups are read back at the end. When every
 * group's lines are consecutive (the usual layout) the file is read once in order; otherwise it is
 * first split into buckets of BUCKET groups by ordinal, each read whole.
 * Memory: one map entry a key (the caller's), none a line.
 */
import { SpillDir, type SpillFile } from './spill.js';

const BUCKET = 1024;

export class GroupedSpill {
  private readonly spill: SpillDir;
  private file: SpillFile | undefined;
  private last = -1;
  private contiguous = true;
  private count = 0;

  constructor(prefix: string) {
    this.spill = new SpillDir(prefix);
  }

  /** A new group's ordinal (0, 1, ...). */
  newGroup(): number {
    return this.count++;
  }

  /** Appends a line (no newline in it) to group `g`. */
  add(g: number, line: string): void {
    if (g !== this.last) {
      // a group's lines resuming after another group's: the groups are interleaved
      if (this.started.has(g)) this.contiguous = false;
      else this.started.add(g);
      this.last = g;
    }
    (this.file ??= this.spill.file('rows')).append(g + '\t' + line);
  }

  /** Groups that have lines (a bit a group would do; a set is simpler and small beside the keys). */
  private readonly started = new Set<number>();

  /** The groups with lines, in ordinal order, each with its lines in order. Removes the spill. */
  async *groups(): AsyncGenerator<[number, string[]]> {
    try {
      if (!this.file) return;
      if (this.contiguous) {
        let cur = -1;
        let lines: string[] = [];
        for await (const l of this.file.stream()) {
          const tab = l.indexOf('\t');
          const g = Number(l.slice(0, tab));
          if (g !== cur && cur >= 0) yield [cur, lines.splice(0)];
          cur = g;
          lines.push(l.slice(tab + 1));
        }
        if (cur >= 0) yield [cur, lines];
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
        for (const g of [...members.keys()].sort((a, b) => a - b)) yield [g, members.get(g)!];
      }
    } finally {
      this.spill.remove();
    }
  }

  /** Removes the spill files (when the groups are not read). */
  discard(): void {
    this.spill.remove();
  }
}
