/**
 * Files looked up under `--media-root DIR` stay under DIR. Names come from the data (an item's
 * path or URL), so `../outside/x.png` or a link inside DIR to a file elsewhere would make annoconv
 * read files the user did not point it at, and tell from its messages which exist. A name is
 * resolved (links followed) first; one whose real path is not below DIR's is not looked up, and
 * is reported just as a missing file is.
 */
import { realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';

const realRoots = new Map<string, Promise<string | undefined>>();

function realRoot(root: string): Promise<string | undefined> {
  let r = realRoots.get(root);
  if (!r) realRoots.set(root, (r = realpath(root).catch(() => undefined)));
  return r;
}

/**
 * The real path of `path` when it exists and lies below the real path of `root`, else undefined
 * (missing and outside are not told apart).
 */
export async function resolveUnder(root: string, path: string): Promise<string | undefined> {
  const base = await realRoot(root);
  if (base === undefined) return undefined;
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return undefined;
  }
  const inside = real.startsWith(base.endsWith(sep) ? base : base + sep);
  return inside ? real : undefined;
}

/** `path` resolved below `root` (see resolveUnder) when it is a regular file there. */
export async function fileUnder(root: string, path: string): Promise<string | undefined> {
  const real = await resolveUnder(root, path);
  if (real === undefined) return undefined;
  try {
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}
