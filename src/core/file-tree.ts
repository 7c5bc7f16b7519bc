/**
 * A folder of output files (`-o DIR` for VOC and YOLO), written atomically as a whole: files go to
 * a hidden staging folder inside DIR and are moved into place when the run succeeds; a failed run
 * leaves DIR as it was. Paths come from the data (file names), so any path that would leave DIR
 * (absolute, `..`, a drive letter) is refused.
 */
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, normalize, sep } from 'node:path';
import type { FileOutput } from './format.js';
import { AnnoconvError, diag } from './diagnostics.js';
import { registerTemp, unregisterTemp } from './cleanup.js';
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
export async function makeDirs(path: string): Promise<void> {
  try {
    await mkdir(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const parent = dirname(path);
    if (code !== 'ENOENT' || parent === path) throw e;
    await makeDirs(parent);
    try {
      await mkdir(path);
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code !== 'EEXIST') throw e2;
    }
  }
}

export class FileTree implements FileOutput {
  private readonly staging: string;
  private made = false;

  constructor(readonly dir: string) {
    // named after its owner, so that a later run can remove it if this process is killed
    this.staging = join(dir, `.annoconv-${OWNER}-${randomBytes(4).toString('hex')}`);
  }

  async write(relPath: string, data: string | Buffer): Promise<void> {
    const rel = safeRelative(relPath);
    if (rel === undefined) throw new AnnoconvError(diag('OUTPUT_PATH_UNSAFE', `refusing to write ${JSON.stringify(relPath)}: the path would leave the output folder`), 1);
    try {
      if (!this.made) {
        await makeDirs(this.staging);
        registerTemp(this.staging);
        this.made = true;
      }
      const path = join(this.staging, rel);
      await makeDirs(dirname(path));
      await writeFile(path, data);
    } catch (e) {
      throw new AnnoconvError(diag('OUTPUT_WRITE_FAILED', `writing ${join(this.dir, rel)} failed: ${(e as Error).message}`, { file: this.dir }), 3);
    }
  }

  /** Moves every staged file into the folder. */
  async commit(): Promise<void> {
    if (!this.made) {
      await makeDirs(this.dir).catch(() => undefined);
      return;
    }
    try {
      await this.move(this.staging, this.dir);
    } catch (e) {
      throw new AnnoconvError(diag('OUTPUT_WRITE_FAILED', `moving files into ${this.dir} failed: ${(e as Error).message}`, { file: this.dir }), 3);
    } finally {
      await this.abort();
    }
  }

  private async move(from: string, to: string): Promise<void> {
    for (const e of await readdir(from, { withFileTypes: true })) {
      if (e.isDirectory()) {
        await makeDirs(join(to, e.name));
        await this.move(join(from, e.name), join(to, e.name));
      } else await rename(join(from, e.name), join(to, e.name));
    }
  }

  async abort(): Promise<void> {
    if (!this.made) return;
    await rm(this.staging, { recursive: true, force: true });
    unregisterTemp(this.staging);
    this.made = false;
  }
}
