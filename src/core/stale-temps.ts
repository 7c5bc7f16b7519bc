/**
 * Temporary files and folders left by runs that were killed before they could clean up (SIGKILL,
 * the OOM killer, a power cut): nothing in the process can catch those. Every temporary name
 * carries its owner (OWNER: the pid and a tag of the machine and pid namespace), and a later run
 * removes the ones whose process no longer exists.
 *
 * The machine tag keeps a run from removing the live files of a process it cannot see: another
 * host sharing the folder over NFS, or another container sharing TMPDIR, where the same pid means
 * another process. A pid that was reused by an unrelated process keeps its files until it ends.
 */
import { createHash } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { lstat, opendir, readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { diag, type Diagnostic } from './diagnostics.js';

function machineTag(): string {
  let namespace = '';
  try {
    namespace = readlinkSync('/proc/self/ns/pid'); // Linux: pid:[4026531836]
  } catch {
    // other systems: the host name alone
  }
  return createHash('sha256').update(`${hostname()}\n${namespace}`).digest('hex').slice(0, 8);
}

/** This process as the owner of temporary names: `<pid>-<machine tag>`. */
export const OWNER = `${process.pid}-${machineTag()}`;

const TAG = OWNER.slice(OWNER.indexOf('-') + 1);

/** The names annoconv gives temporary things; group 1 is the owner's pid, group 2 its machine tag. */
const OWNED = [
  /^annoconv-(?:[a-z]+-)*(\d+)-([0-9a-f]{8})-[A-Za-z0-9]{6}$/, // spill folders (mkdtemp in TMPDIR)
  /^\.annoconv-(\d+)-([0-9a-f]{8})-[0-9a-f]{8}$/, // staging folders of -o DIR
  /^\..+\.(\d+)-([0-9a-f]{8})-[0-9a-f]{8}\.tmp$/, // temporary files of -o FILE, --rejects, --split
];

/** The pid that owns `name` when it is a temporary name of this machine, else undefined. */
export function ownerPid(name: string): number | undefined {
  for (const re of OWNED) {
    const m = re.exec(name);
    if (m) return m[2] === TAG ? Number(m[1]) : undefined;
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, but another user's
  }
}

export interface StaleTemps {
  /** Files and folders removed. */
  count: number;
  /** Bytes they held. */
  bytes: number;
  /** The folders they were found in. */
  folders: string[];
}

/** Folders already swept by this process: a library caller running many conversions pays once. */
const swept = new Set<string>();

/**
 * Removes, from each folder, the temporary files and folders of annoconv processes of this machine
 * that no longer exist (once a process for each folder). Folders that cannot be listed, and
 * entries that cannot be removed (another user's), are passed over.
 */
export async function removeStaleTemps(folders: string[]): Promise<StaleTemps> {
  const found: StaleTemps = { count: 0, bytes: 0, folders: [] };
  for (const folder of new Set(folders)) {
    if (swept.has(folder)) continue;
    swept.add(folder);
    let removedHere = false;
    for (const name of await namesIn(folder)) {
      const pid = ownerPid(name);
      if (pid === undefined || pid === process.pid || isAlive(pid)) continue;
      const path = join(folder, name);
      const bytes = await sizeOf(path);
      try {
        await rm(path, { recursive: true, force: true });
      } catch {
        continue;
      }
      found.count++;
      found.bytes += bytes;
      removedHere = true;
    }
    if (removedHere) found.folders.push(folder);
  }
  return found;
}

/** Entry names of a folder, read a batch at a time (a TMPDIR may hold many). */
async function namesIn(folder: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of await opendir(folder)) if (ownerPid(e.name) !== undefined) names.push(e.name);
  } catch {
    // no such folder, or not readable: nothing of ours to remove there
  }
  return names;
}

/** Bytes of the files below `path`, links not followed. */
async function sizeOf(path: string): Promise<number> {
  try {
    const st = await lstat(path);
    if (!st.isDirectory()) return st.size;
    let total = 0;
    for (const name of await readdir(path)) total += await sizeOf(join(path, name));
    return total;
  } catch {
    return 0;
  }
}

/**
 * Removes what killed runs left in `folders` and returns the one warning saying how much, or
 * undefined when there was nothing.
 */
export async function sweepStaleTemps(folders: string[]): Promise<Diagnostic | undefined> {
  const r = await removeStaleTemps(folders);
  if (r.count === 0) return undefined;
  const what = r.count === 1 ? '1 temporary file or folder' : `${r.count} temporary files and folders`;
  return diag('TEMP_STALE_REMOVED', `removed ${what} (${r.bytes.toLocaleString('en-US')} bytes) left in ${r.folders.join(', ')} by annoconv runs that ended without cleaning up (killed) and no longer exist`, {});
}
