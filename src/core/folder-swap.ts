/**
 * Moving a staged output folder into place as one unit. Each staged file is renamed onto its
 * place, the file it replaces set aside first; then the files an earlier run wrote (listed in the
 * folder's record, `.annoconv-files`) that this run did not write are set aside too, and the
 * record replaced. If any step fails, every step done is undone in reverse order, so the folder
 * is as it was. On success the set-aside files are deleted.
 *
 * The moves are synchronous on purpose: a signal (Ctrl-C) is handled between them otherwise, and
 * its cleanup would delete the set-aside files half way through. Held in memory: the names moved
 * (about 100 bytes a file).
 */
import { lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

/** The folder's record of the files annoconv wrote there, one JSON string a line. */
export const RECORD_NAME = '.annoconv-files';

/** The files below a staging folder, relative, in sorted order (hidden entries left out). */
export function stagedFiles(root: string, rel = ''): string[] {
  const out: string[] = [];
  const entries = readdirSync(join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const path = rel === '' ? e.name : join(rel, e.name);
    if (e.isDirectory()) out.push(...stagedFiles(root, path));
    else out.push(path);
  }
  return out;
}

const lexists = (path: string): ReturnType<typeof lstatSync> | undefined => lstatSync(path, { throwIfNoEntry: false });

/**
 * The files an earlier run recorded that this run did not stage and that are still regular files
 * (a name that became a link or a folder is no longer annoconv's). `safe` filters names that
 * would leave the folder.
 */
function staleFiles(dir: string, staging: string, safe: (rel: string) => string | undefined): string[] {
  let text: string;
  try {
    text = readFileSync(join(dir, RECORD_NAME), 'utf8');
  } catch {
    return [];
  }
  const stale = new Set<string>();
  for (const line of text.split('\n')) {
    let rel: unknown;
    try {
      rel = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof rel !== 'string' || safe(rel) !== rel) continue;
    if (lexists(join(staging, rel))) continue;
    if (lexists(join(dir, rel))?.isFile()) stale.add(rel);
  }
  return [...stale].sort();
}

/** The steps done, to undo them. */
interface Journal {
  /** Folders made in the target folder, in order. */
  made: string[];
  /** Names set aside into `aside`, in order. */
  setAside: string[];
  /** Names moved in from staging, in order. */
  movedIn: string[];
}

/** `mkdir -p` below `dir`, recording what it made. */
function makeParents(dir: string, rel: string, journal: Journal): void {
  const parts = dirname(rel).split(sep).filter((p) => p !== '.' && p !== '');
  let path = dir;
  for (const p of parts) {
    path = join(path, p);
    const st = lexists(path);
    if (st?.isDirectory()) continue;
    mkdirSync(path); // fails (EEXIST, ENOTDIR) where a file or link is in the way
    journal.made.push(path);
  }
}

function setAside(dir: string, aside: string, rel: string, journal: Journal): void {
  mkdirSync(dirname(join(aside, rel)), { recursive: true });
  renameSync(join(dir, rel), join(aside, rel));
  journal.setAside.push(rel);
}

/** Undoes the journal's steps in reverse; returns the names that could not be put back. */
function undo(dir: string, staging: string, aside: string, j: Journal): string[] {
  const lost: string[] = [];
  for (const rel of [...j.movedIn].reverse()) {
    try {
      renameSync(join(dir, rel), join(staging, rel));
    } catch {
      try {
        unlinkSync(join(dir, rel));
      } catch {
        lost.push(rel);
      }
    }
  }
  for (const rel of [...j.setAside].reverse()) {
    try {
      renameSync(join(aside, rel), join(dir, rel));
    } catch {
      lost.push(rel);
    }
  }
  for (const path of [...j.made].reverse()) {
    try {
      rmdirSync(path);
    } catch {
      // not empty or gone: leave it
    }
  }
  return lost;
}

/** Removes the folders a removed file leaves empty, up to (not including) `dir`. */
function pruneEmpty(dir: string, rel: string): void {
  for (let d = dirname(rel); d !== '.' && d !== ''; d = dirname(d)) {
    try {
      rmdirSync(join(dir, d));
    } catch {
      return;
    }
  }
}

/** Raised when the swap failed, after undoing it; `lost` names what could not be put back (kept in `aside`). */
export class SwapError extends Error {
  constructor(
    readonly reason: unknown,
    readonly lost: string[],
    readonly aside: string,
  ) {
    super(reason instanceof Error ? reason.message : String(reason));
  }
}

/**
 * Moves every file staged below `staging` into `dir`, removes the recorded files of an earlier run
 * that this run did not write, and writes the new record. Returns those removed (relative names).
 * On failure throws SwapError after undoing every step.
 */
export function swapIn(dir: string, staging: string, aside: string, safe: (rel: string) => string | undefined): string[] {
  const files = stagedFiles(staging);
  const stale = staleFiles(dir, staging, safe);
  writeFileSync(join(staging, RECORD_NAME), files.map((f) => JSON.stringify(f) + '\n').join(''));
  const journal: Journal = { made: [], setAside: [], movedIn: [] };
  try {
    mkdirSync(aside);
    for (const rel of files) {
      makeParents(dir, rel, journal);
      const there = lexists(join(dir, rel));
      if (there?.isDirectory()) throw new Error(`${join(dir, rel)} is a folder`);
      if (there) setAside(dir, aside, rel, journal);
      renameSync(join(staging, rel), join(dir, rel));
      journal.movedIn.push(rel);
    }
    for (const rel of stale) setAside(dir, aside, rel, journal);
    if (lexists(join(dir, RECORD_NAME))) setAside(dir, aside, RECORD_NAME, journal);
    renameSync(join(staging, RECORD_NAME), join(dir, RECORD_NAME));
    journal.movedIn.push(RECORD_NAME);
  } catch (e) {
    const lost = undo(dir, staging, aside, journal);
    if (lost.length === 0) rmSync(aside, { recursive: true, force: true });
    throw new SwapError(e, lost, aside);
  }
  rmSync(aside, { recursive: true, force: true });
  for (const rel of stale) pruneEmpty(dir, rel);
  return stale;
}
