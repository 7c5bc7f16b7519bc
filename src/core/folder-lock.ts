/**
 * One run at a time into an output folder (`-o DIR`): a lock file `DIR/.annoconv.lock` holding
 * the pid of the run and a random token. It is created whole and exclusively (written aside, then
 * hard-linked onto its name, which fails if a lock is there), so a reader never sees it half
 * written. A lock whose process no longer exists is taken over; one whose process lives refuses
 * the run (OUTPUT_IN_USE). The run checks that the lock is still its own before it moves its
 * files in, which catches the one race left: two runs taking over the same stale lock at once.
 */
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AnnoconvError, diag } from './diagnostics.js';
import { registerTemp, unregisterTemp } from './cleanup.js';

/** The lock's name inside the folder (hidden: readers of the folder skip it). */
export const LOCK_NAME = '.annoconv.lock';

/** Another run's lock: refused with exit 3. */
function inUse(dir: string, pid: number | undefined, path: string): AnnoconvError {
  const who = pid !== undefined ? `annoconv process ${pid}` : 'another annoconv run';
  return new AnnoconvError(diag('OUTPUT_IN_USE', `${dir} is being written by ${who} (lock file ${path}); wait for it to end, or remove the lock file if no run is using the folder`, { file: dir }), 3);
}

/** The pid a lock names, or undefined when it names none. */
function pidOf(content: string): number | undefined {
  const m = /^(\d{1,10}) /.exec(content);
  return m ? Number(m[1]) : undefined;
}

/** True when a process with this pid exists (EPERM: it exists, under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates the lock from the file written aside; false when a lock is already there. */
async function create(path: string, aside: string, content: string): Promise<boolean> {
  try {
    await link(aside, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // file systems without hard links: an exclusive create, written right after
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw e;
  }
  try {
    await writeFile(path, content, { flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/**
 * Moves a stale lock out of the way. If what was moved is no longer the stale lock (a live run
 * took it over meanwhile), it is put back.
 */
async function removeStale(path: string, stale: string, token: string): Promise<void> {
  const moved = `${path}.${token}.stale`;
  try {
    await rename(path, moved);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const content = await readFile(moved, 'utf8').catch(() => undefined);
  if (content !== stale) await link(moved, path).catch(() => undefined);
  await unlink(moved).catch(() => undefined);
}

/** A held lock on an output folder: `acquire` it, `check` it before moving files in, `release` it. */
export class FolderLock {
  private constructor(
    private readonly dir: string,
    readonly path: string,
    private readonly content: string,
  ) {}

  /** Takes the folder's lock, or throws OUTPUT_IN_USE (exit 3) while another live run holds it. */
  static async acquire(dir: string): Promise<FolderLock> {
    const path = join(dir, LOCK_NAME);
    const token = randomBytes(8).toString('hex');
    const content = `${process.pid} ${token}\n`;
    const aside = `${path}.${token}.tmp`;
    await writeFile(aside, content, { flag: 'wx' });
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        if (await create(path, aside, content)) {
          registerTemp(path);
          return new FolderLock(dir, path, content);
        }
        const holder = await readFile(path, 'utf8').catch(() => undefined);
        if (holder === undefined) continue; // removed meanwhile: try again
        const pid = pidOf(holder);
        if (pid !== undefined && alive(pid)) throw inUse(dir, pid, path);
        await removeStale(path, holder, token);
      }
      throw inUse(dir, undefined, path);
    } finally {
      await unlink(aside).catch(() => undefined);
    }
  }

  /** Throws OUTPUT_IN_USE when the lock is no longer this run's. */
  async check(): Promise<void> {
    const now = await readFile(this.path, 'utf8').catch(() => undefined);
    if (now !== this.content) throw inUse(this.dir, now === undefined ? undefined : pidOf(now), this.path);
  }

  /** Removes the lock if it is still this run's. */
  async release(): Promise<void> {
    unregisterTemp(this.path);
    const now = await readFile(this.path, 'utf8').catch(() => undefined);
    if (now === this.content) await unlink(this.path).catch(() => undefined);
  }
}
