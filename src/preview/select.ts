/**
 * Which items a preview draws, chosen while the input streams past: `--ids` and `--labels` keep
 * the items that match; `--sample N --seed S` then keeps the N items with the smallest hash of
 * seed and id (SHA-256, as split does), so the same input, seed and N always give the same items
 * whatever the reading order, and a larger N keeps the smaller one's items. Memory holds the
 * chosen items only (every matching item without --sample). Items come back in reading order.
 */
import { unitHash } from '../ops/split.js';
import { labelsOf } from '../ops/stats.js';
import type { Place } from '../core/diagnostics.js';
import type { Item } from '../model/types.js';

export interface SelectionSpec {
  /** Keep at most N items, chosen by the hash of seed and id. */
  sample?: number;
  seed?: string;
  /** Keep items with at least one annotation of one of these labels. */
  labels?: readonly string[];
  /** Keep items whose id is in the set. */
  ids?: ReadonlySet<string>;
}

export interface Chosen {
  item: Item;
  place: Place;
  ordinal: number;
}

interface Held extends Chosen {
  hash: number;
}

/** The items of a preview (see the module comment). */
export class Selection {
  private readonly held: Held[] = []; // by hash, ascending, when sampling
  private seen = 0;
  /** Items that matched --ids and --labels. */
  matched = 0;
  private readonly labels: Set<string> | undefined;

  constructor(private readonly spec: SelectionSpec) {
    this.labels = spec.labels ? new Set(spec.labels) : undefined;
  }

  private matches(item: Item): boolean {
    if (this.spec.ids && !this.spec.ids.has(item.id)) return false;
    if (this.labels && !item.annotations.some((a) => labelsOf(a).some((l) => this.labels!.has(l)))) return false;
    return true;
  }

  /** Offers one item as it is read. */
  offer(item: Item, place: Place): void {
    const ordinal = this.seen++;
    if (!this.matches(item)) return;
    this.matched++;
    const n = this.spec.sample;
    if (n === undefined) {
      this.held.push({ item, place, ordinal, hash: 0 });
      return;
    }
    const hash = unitHash(this.spec.seed ?? '', item.id);
    if (this.held.length >= n && hash >= this.held[this.held.length - 1]!.hash) return;
    let lo = 0;
    let hi = this.held.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.held[mid]!.hash <= hash) lo = mid + 1;
      else hi = mid;
    }
    this.held.splice(lo, 0, { item, place, ordinal, hash });
    if (this.held.length > n) this.held.pop();
  }

  /** The chosen items in reading order. */
  chosen(): Chosen[] {
    return [...this.held].sort((a, b) => a.ordinal - b.ordinal).map(({ item, place, ordinal }) => ({ item, place, ordinal }));
  }
}
