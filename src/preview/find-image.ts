/**
 * The image file of an item under `--media-root DIR`: by the item's path (below DIR), then by its
 * file name (DIR/name), then by the path of its URL (https://host/imgs/a.jpg -> DIR/imgs/a.jpg).
 * Nothing is fetched: an http(s) URL with no local file is "not found". Names resolving outside
 * DIR (`..`, links) are not looked up (media-root.ts), and are "not found" too.
 */
import { basename, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileUnder } from '../media/media-root.js';
import { decodeOrKeep } from '../core/url-decode.js';
import type { Item } from '../model/types.js';

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

const decode = decodeOrKeep;

/** The path part of a URL, percent-decoded and without its leading slash; undefined when none. */
function urlPath(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol === 'file:') return fileURLToPath(u);
    const p = decode(u.pathname).replace(/^\/+/, '');
    return p === '' ? undefined : p;
  } catch {
    return undefined;
  }
}

/** The files to try, in order, for an item (see the module comment). */
export function imageCandidates(item: Item, root: string): string[] {
  const url = item.url ?? item.urls?.[0];
  const local = item.path !== undefined && !SCHEME.test(item.path) ? item.path : undefined;
  const fromUrl = url !== undefined ? (SCHEME.test(url) ? urlPath(url) : url.split(/[?#]/)[0]) : undefined;
  const out: string[] = [];
  const add = (p: string | undefined): void => {
    if (p === undefined || p === '') return;
    const full = isAbsolute(p) ? p : join(root, p);
    if (!out.includes(full)) out.push(full);
  };
  add(local);
  for (const name of [local, fromUrl, item.path]) if (name !== undefined) add(basename(name.split(/[?#]/)[0]!));
  add(fromUrl);
  if (local === undefined && fromUrl === undefined && /\.[a-z0-9]{2,5}$/i.test(item.id)) add(item.id);
  return out;
}

export type Found = { file: string } | { missing: string };

/** The item's image under root, or why there is none. */
export async function findImage(item: Item, root: string): Promise<Found> {
  const tried = imageCandidates(item, root);
  for (const c of tried) {
    const real = await fileUnder(root, c);
    if (real !== undefined) return { file: real };
  }
  const url = item.url ?? item.urls?.[0];
  const remote = url !== undefined && /^https?:/i.test(url) ? `; ${url} is not fetched` : '';
  const shown = tried.map((t) => (isAbsolute(t) && !t.startsWith(root) ? t : relative(root, t)));
  return { missing: tried.length ? `no file ${shown.join(', ')}${remote}` : `no path or URL to look up${remote}` };
}
