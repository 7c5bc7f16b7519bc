/**
 * `--media-root DIR` on convert: items without a width and height get them from their image file
 * under DIR (found by the item's path, then by its file name), read from the header. A file that is
 * not there, or cannot be read, is reported by name; the item goes on without sizes (a target that
 * needs them then refuses it by name too). A name that resolves outside DIR (`..`, a link) is not
 * looked up and is reported as not found.
 */
import { basename, join } from 'node:path';
import type { Item } from '../model/types.js';
import { diag, type DiagnosticSink, type Place } from '../core/diagnostics.js';
import { probe } from './probe.js';
import { resolveUnder } from './media-root.js';
import { extensionsOf, kindFromName } from '../model/media-kinds.js';

export async function fillSizes(item: Item, root: string, place: Place, report: DiagnosticSink): Promise<void> {
  if ((item.width ?? 0) > 0 && (item.height ?? 0) > 0) return;
  if (item.kind !== 'image') return;
  const name = (item.path ?? item.url ?? item.id).split(/[?#]/)[0]!;
  const direct = [...new Set([join(root, name.replace(/^[a-z]+:\/\/[^/]+\//i, '')), join(root, basename(name))])];
  // a name without an extension (some Kaggle tables): the image files of that stem
  const withExt = kindFromName(name) === undefined ? extensionsOf('image').flatMap((e) => [`${join(root, basename(name))}.${e}`, `${join(root, basename(name))}.${e.toUpperCase()}`]) : [];
  const candidates = [...new Set([...direct, ...withExt])];
  let last = 'not found';
  for (const c of candidates) {
    const real = await resolveUnder(root, c);
    if (real === undefined) continue; // missing, or outside the root: the same "not found"
    const r = await probe(real, 'image');
    if ('error' in r) {
      if (r.error !== 'MEDIA_UNREADABLE') last = r.message;
      continue;
    }
    if (r.type === 'image') {
      item.width = r.width;
      item.height = r.height;
      return;
    }
  }
  report(diag('MEDIA_NOT_FOUND', `item ${JSON.stringify(item.id)}: no readable image for it under --media-root ${root} (${direct.join(', ')}${withExt.length ? ', or with an image extension' : ''}: ${last})`, place));
}
