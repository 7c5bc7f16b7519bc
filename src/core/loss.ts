/** Loss counting shared by writers. */
import type { WriteContext } from './format.js';
import type { Place } from './diagnostics.js';
import type { Item } from '../model/types.js';

/**
 * Counts each other format's passthrough fields of an item (`extras.<format>`) as loss: what a
 * source kept for its own round trip (Label Studio result ids and authors, COCO image fields, ...)
 * has no place in `target`. Returns false when loss is refused (--strict).
 */
export function loseForeignExtras(item: Item, own: string, target: string, ctx: WriteContext, place: Place): boolean {
  for (const f of Object.keys(item.extras ?? {})) {
    if (f !== own && !ctx.lose(`${f} fields`, 1, `${f}-specific fields (ids, authors, settings it alone has) have no place in ${target}`, place)) return false;
  }
  return true;
}
