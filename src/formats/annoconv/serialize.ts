import type { Annotation, Item } from '../../model/types.js';
import { rawJsonOf, stringifyWith } from '../../core/raw-json.js';

const ringsText = (key: string, value: unknown): string | undefined => (key === 'rings' && typeof value === 'object' && value !== null ? rawJsonOf(value) : undefined);

/**
 * One item as a line of the annoconv format: pure, so worker threads can run it. Polygon rings that
 * still have their source text (core/raw-json.ts) are spliced instead of formatted again; the line
 * is otherwise exactly `JSON.stringify(item)`.
 */
export function serializeItem(item: Item): string {
  const anns = item.annotations;
  let spliced = false;
  for (let i = 0; i < anns.length; i++) {
    const a = anns[i]!;
    if (a.kind === 'polygon' && rawJsonOf(a.rings) !== undefined) {
      spliced = true;
      break;
    }
  }
  if (!spliced) return JSON.stringify(item) + '\n';
  const annotations = (list: Annotation[]): string => {
    let s = '[';
    for (let i = 0; i < list.length; i++) s += (i ? ',' : '') + stringifyWith(list[i]!, ringsText);
    return s + ']';
  };
  return stringifyWith(item, (key, value) => (key === 'annotations' && value === anns ? annotations(anns) : undefined)) + '\n';
}
