import type { Item } from '../../model/types.js';

/** One item as a line of the annoconv format: pure, so worker threads can run it. */
export function serializeItem(item: Item): string {
  return JSON.stringify(item) + '\n';
}
