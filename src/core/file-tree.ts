/**
 * A folder of output files (`-o DIR` for VOC and YOLO), written as a whole: one run at a time
 * (a lock file, folder-lock.ts); files go to a hidden staging folder inside DIR and are moved into
 * place when the run succeeds, together with the removal of the files an earlier run wrote and this
 * one did not (folder-swap.ts); a failed run leaves DIR as it was. Paths come from the data (file
 * names), so any path that would leave DIR (absolute, `..`, a drive letter) is refused, and two
 * names that a case-insensitive file system would take for one are told apart (`claim`).
 */
import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, normalize, sep } from 'node:path';
import type { FileOutput } from './format.js';
import { AnnoconvError, diag, type Diagnostic, type Place } from './diagnostics.js';
import { registerTemp, unregisterTemp } from './cleanup.js';
import { FolderLock } from './folder-lock.js';
import { SwapError, swapIn } from './folder-swap.js';
import { IdSet } from './idset.js';
import type { Code } from './codes.js';
import { OWNER } from './stale-temps.js';

/**
 * `relPath` made safe to join below a folder, or undefined when it would leave it, name a hidden
 * file (readers skip those, so the output would look empty) or hold a name over 255 bytes (what
 * file systems take: writing it would fail the whole folder).
 */
export function safeRelative(relPath: string): string | undefined {
  const p = relPath.replace(/\\/g, '/');
  if (p === '' || p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.includes('\0')) return undefined;
  const n = normalize(p);
  if (n === '.' || n === '..' || n.startsWith('..' + sep) || n.split(sep).includes('..')) return undefined;
  if (n.split(sep).some((seg) => seg.startsWith('.') || Buffer.byteLength(seg) > 255)) return undefined;
  return n;
}

/**
 * `mkdir -p`. Not fs.mkdir's `recursive` option: under a parent that exists but refuses new
 * entries with ENOENT (/proc, some FUSE mounts) it retries forever; here each level is tried once.
 */
export async function makeDirs(path: string, made: string[] = []): Promise<string[]> {
  try {
    await mkdir(path);
    made.push(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return made;
    const parent = dirname(path);
    if (code !== 'ENOENT' || parent === path) throw e;
    await makeDirs(parent, made);
    try {
      await mkdir(path);
      made.push(path);
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code !== 'EEXIST') throw e2;
    }
  }
  return made;
}

/** Why a name cannot take a new file: taken by an earlier one, or by one differing only in case or Unicode form. */
export type NameClash = 'taken' | 'case';

/**
 * The diagnostic for an item whose file name clashes (see FileTree.claim): the format's own code
 * for a name taken, OUTPUT_NAME_COLLISION for one differing only by case or Unicode form.
 */
export function nameClash(clash: NameClash, takenCode: Code, itemId: string, rel: string, place: Place): Diagnostic {
  if (clash === 'taken') return diag(takenCode, `item ${JSON.stringify(itemId)}: ${rel} is already written for another image`, place);
  return diag('OUTPUT_NAME_COLLISION', `item ${JSON.stringify(itemId)}: ${rel} differs from an earlier image's file name only by letter case or Unicode form: on macOS and Windows one would replace the other`, place);
}

/** The name as a case-insensitive file system (macOS, Windows) compares it. */
const folded = (rel: string): string => rel.normalize('NFD').toLowerCase();

/** The output folder of one run: `open`, `claim` and `write` files, then `commit` or `abort`. */
export class FileTree implements FileOutput {
  private readonly staging: string;
  private readonly aside: string;
  private lock: FolderLock | undefined;
  /** True when this run made the folder (a failed run removes it again if it is empty). */
  /** Folders this run made for -o DIR, outermost first: a failed run removes them again. */
  private madeDirs: string[] = [];
  private readonly names = new IdSet();
  private readonly foldedNames = new IdSet();

  constructor(readonly dir: string) {
    // named after its owner, so that a later run can remove the staging folder if this process is killed
    const id = `${OWNER}-${randomBytes(4).toString('hex')}`;
    this.staging = join(dir, `.annoconv-${id}`);
    this.aside = join(dir, `.annoconv-${id}-old`);
  }

  /**
   * Makes the folder if needed, takes its lock (OUTPUT_IN_USE while another run holds it) and a
   * staging folder. Done by the first write at the latest; a run calls it first, to be refused early.
   */
  async open(): Promise<void> {
    if (this.lock) return;
    try {
      this.madeDirs = await makeDirs(this.dir);
      this.lock = await FolderLock.acquire(this.dir);
      await mkdir(this.staging);
      registerTemp(this.staging);
    } catch (e) {
      if (e instanceof AnnoconvError) throw e;
      throw new AnnoconvError(diag('OUTPUT_WRITE_FAILED', `cannot write into ${this.dir}: ${(e as Error).message}`, { file: this.dir }), 3);
    }
  }

  /** See FileOutput.claim: names are kept as hashes (about 20 bytes a file for both sets). */
  claim(relPath: string): NameClash | undefined {
    if (this.names.add(relPath)) return 'taken';
    if (this.foldedNames.add(folded(relPath))) return 'case';
    return undefined;
  }

  async write(relPath: string, data: string | Buffer): Promise<void> {
    const rel = safeRelative(relPath);
    if (rel === undefined) throw new AnnoconvError(diag('OUTPUT_PATH_UNSAFE', `refusing to write ${JSON.stringify(relPath)}: the path would leave the output folder`), 1);
    await this.open();
    try {
      const path = join(this.staging, rel);
      await makeDirs(dirname(path));
      await writeFile(path, data);
    } catch (e) {
      throw new AnnoconvError(diag('OUTPUT_WRITE_FAILED', `writing ${join(this.dir, rel)} failed: ${(e as Error).message}`, { file: this.dir }), 3);
    }
  }

  /**
   * Moves the staged files into the folder as one unit (folder-swap.ts) and releases the folder.
   * Returns the files of an earlier run that were removed, as paths below the folder.
   */
  async commit(): Promise<string[]> {
    await this.open();
    try {
      await this.lock!.check();
      return swapIn(this.dir, this.staging, this.aside, safeRelative).map((rel) => join(this.dir, rel));
    } catch (e) {
      if (e instanceof AnnoconvError) throw e;
      const lost = e instanceof SwapError ? e.lost : [];
      const after = lost.length ? `the folder was put back as it was except ${lost.join(', ')} (kept in ${(e as SwapError).aside})` : 'the folder was left as it was';
      throw new AnnoconvError(diag('OUTPUT_WRITE_FAILED', `moving files into ${this.dir} failed: ${(e as Error).message}; ${after}`, { file: this.dir }), 3);
    } finally {
      await this.close();
    }
  }

  /** Gives up: staging removed, lock released, a folder this run made removed if empty. */
  async abort(): Promise<void> {
    await this.close();
    for (const d of [...this.madeDirs].reverse()) await rmdir(d).catch(() => undefined);
    this.madeDirs = [];
  }

  private async close(): Promise<void> {
    await rm(this.staging, { recursive: true, force: true });
    unregisterTemp(this.staging);
    await this.lock?.release();
    this.lock = undefined;
  }
}
