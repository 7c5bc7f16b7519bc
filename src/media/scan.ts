/**
 * `annoconv scan DIR...`: one item per media file, probed (src/media/probe.ts) with bounded
 * concurrency, folders walked entry by entry (a listing is never held whole). DICOM files become one
 * `dicom_series` per SeriesInstanceUID, ordered by InstanceNumber, then by position along the
 * slice axis, then by path; `--group-by-folder` makes an image group or sequence of each
 * subfolder's images (images directly in a scanned folder stay single). Symbolic links are not followed unless asked. Unreadable files are reported and skipped.
 * `--shard I/N` selects files before probing them, by their path below the scanned folder, or by
 * their folder's path where files are put together by folder (--group-by-folder) or may be DICOM
 * (.dcm and files without a known extension: a series is expected to sit in one folder).
 */
import { opendir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ReadContext, ReadEvent } from '../core/format.js';
import type { InputSource } from '../core/io.js';
import { diag, type Place } from '../core/diagnostics.js';
import { kindFromName } from '../model/media-kinds.js';
import { slicePosition } from '../model/geometry.js';
import type { Item, ItemKind } from '../model/types.js';
import { probe, type DicomFacts, type ProbeResult } from './probe.js';
import { objectUrls, type UrlStyle } from '../core/object-url.js';
import { inShard, type Shard } from '../core/shard.js';

export interface ScanOptions {
  dirs: string[];
  followSymlinks?: boolean;
  groupByFolder?: 'group' | 'sequence';
  urlPrefix?: string;
  urlStyle?: UrlStyle;
  region?: string;
  endpoint?: string;
  /** Files probed at once (default 16). */
  concurrency?: number;
}

interface Found {
  root: string;
  path: string;
}

/**
 * Files below the folders, depth first, in name order within each folder. With `follow`, a link to
 * a folder already on the way down (a link to `.` or `..`) is not entered again.
 */
/** A problem met while walking: `skipped` ones (pipes, link loops, dangling links) are warnings, as the README says. */
type WalkReport = (p: Place, m: string, skipped?: boolean) => void;

async function* walk(root: string, dir: string, follow: boolean, report: WalkReport, above: Set<string> = new Set()): AsyncGenerator<Found> {
  if (follow) {
    const real = await realpath(dir).catch(() => dir);
    if (above.has(real)) {
      report({ file: dir }, `${dir} leads back to a folder already being scanned (a link loop): not entered again`, true);
      return;
    }
    above = new Set(above).add(real);
  }
  let handle;
  try {
    handle = await opendir(dir);
  } catch (e) {
    report({ file: dir }, `cannot list ${dir}: ${(e as Error).message}`);
    return;
  }
  const names: { name: string; dir: boolean; link: boolean }[] = [];
  for await (const d of handle) {
    if (d.name.startsWith('.')) continue;
    // pipes, sockets and devices are not media: opening a FIFO would wait for a writer forever
    if (!d.isFile() && !d.isDirectory() && !d.isSymbolicLink()) {
      report({ file: join(dir, d.name) }, `${join(dir, d.name)} is not a regular file (a pipe, socket or device): skipped`, true);
      continue;
    }
    names.push({ name: d.name, dir: d.isDirectory(), link: d.isSymbolicLink() });
  }
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const n of names) {
    const path = join(dir, n.name);
    let isDir = n.dir;
    if (n.link) {
      if (!follow) continue;
      try {
        const st = await stat(path);
        if (!st.isFile() && !st.isDirectory()) {
          report({ file: path }, `the link ${path} points to something that is not a regular file or folder: skipped`, true);
          continue;
        }
        isDir = st.isDirectory();
      } catch {
        report({ file: path }, `the link ${path} points nowhere: skipped`, true);
        continue;
      }
    }
    if (isDir) yield* walk(root, path, follow, report, above);
    else yield { root, path };
  }
}


/** What a file is sharded by: its path below the scanned folder, or its folder's (see the module comment). */
function shardKey(f: Found, grouped: boolean): string {
  const k = kindFromName(f.path);
  const byFolder = grouped || k === 'dicom' || k === undefined;
  const rel = relative(f.root, byFolder ? join(f.path, '..') : f.path);
  // '/' on every system, so that a shard holds the same files wherever it runs
  return (byFolder ? 'dir:' : '') + rel.split(sep).join('/');
}

/** The scan as a reader: items for the files found, series and groups at the end. */
export function scanReader(o: ScanOptions): (input: InputSource, ctx: ReadContext) => AsyncGenerator<ReadEvent[]> {
  const render = o.urlPrefix !== undefined ? objectUrls({ prefix: o.urlPrefix, ...(o.urlStyle ? { style: o.urlStyle } : {}), ...(o.region ? { region: o.region } : {}), ...(o.endpoint ? { endpoint: o.endpoint } : {}) }) : undefined;
  const urlOf = (_prefix: string | undefined, rel: string): string | undefined => render?.(rel.split(sep).join('/'));
  return async function* (_input, ctx) {
    const concurrency = Math.max(1, o.concurrency ?? 16);
    const series = new Map<string, { facts: DicomFacts; rel: string; place: Place }[]>();
    const folders = new Map<string, { rel: string; item: Item; place: Place }[]>();
    let skipped = 0;
    let firstSkipped: string | undefined;
    const unreadable: WalkReport = (p, m, skipped) => ctx.report(diag('MEDIA_UNREADABLE', m, p, skipped ? 'warning' : 'error'));
    const pending: { found: Found; result: Promise<ProbeResult | undefined> }[] = [];
    const events: ReadEvent[] = [];
    const start = (f: Found): void => {
      const k = kindFromName(f.path);
      const probed = k === 'image' || k === 'dicom' || k === 'nifti' || k === undefined;
      pending.push({ found: f, result: probed ? probe(f.path) : Promise.resolve(undefined) });
    };
    const finish = async (): Promise<void> => {
      const { found, result } = pending.shift()!;
      const r = await result;
      const rel = relative(found.root, found.path) || found.path;
      const shown = relative(process.cwd(), found.path) || found.path;
      const place: Place = { file: shown };
      const kind = kindFromName(found.path);
      if (r === undefined) {
        if (kind === 'video' || kind === 'audio' || kind === 'pdf') {
          const size = (await stat(found.path).catch(() => undefined))?.size;
          const item: Item = { id: rel, kind, path: rel, metadata: {}, annotations: [], ...(size !== undefined ? { media: { fileSize: size } } : {}) };
          const url = urlOf(o.urlPrefix, rel);
          if (url) item.url = url;
          events.push({ type: 'item', item, place });
        } else {
          skipped++;
          firstSkipped ??= shown;
        }
        return;
      }
      if ('error' in r) {
        if (r.error === 'MEDIA_UNKNOWN') {
          skipped++;
          firstSkipped ??= shown;
          return;
        }
        ctx.report(diag(r.error, `${shown}: ${r.message} (skipped)`, place));
        events.push({ type: 'reject', place });
        return;
      }
      if (r.type === 'dicom') {
        if (!r.seriesUid) {
          ctx.report(diag('DICOM_NO_SERIES', `${shown} has no SeriesInstanceUID: it cannot be put in a series (skipped)`, place));
          events.push({ type: 'reject', place });
          return;
        }
        let list = series.get(r.seriesUid);
        if (!list) series.set(r.seriesUid, (list = []));
        list.push({ facts: r, rel, place });
        return;
      }
      const item: Item = { id: rel, kind: r.type as ItemKind, path: rel, metadata: {}, annotations: [] };
      const url = urlOf(o.urlPrefix, rel);
      if (url) item.url = url;
      if (r.type === 'image') {
        item.width = r.width;
        item.height = r.height;
        item.media = { mimeType: r.mimeType, fileSize: r.fileSize };
      } else {
        item.media = { fileSize: r.fileSize };
        item.extras = { nifti: { version: r.version, dims: r.dims, pixDims: r.pixDims, datatype: r.datatype } };
      }
      // images directly in a scanned folder stay single; each subfolder's images form one group
      const folder = relative(found.root, join(found.path, '..'));
      if (o.groupByFolder && r.type === 'image' && folder !== '') {
        let list = folders.get(folder);
        if (!list) folders.set(folder, (list = []));
        list.push({ rel, item, place });
        return;
      }
      events.push({ type: 'item', item, place });
    };
    for (const dir of o.dirs) {
      let st;
      try {
        st = await stat(dir);
      } catch (e) {
        unreadable({ file: dir }, `cannot open ${dir}: ${(e as Error).message}`);
        continue;
      }
      const files = st.isDirectory() ? walk(dir, dir, o.followSymlinks === true, unreadable) : (async function* () {
        yield { root: join(dir, '..'), path: dir };
      })();
      const shard = ctx.options.shard;
      for await (const f of files) {
        if (shard && !inShard(shardKey(f, o.groupByFolder !== undefined), shard)) {
          ctx.leftOut?.(1);
          continue;
        }
        start(f);
        if (pending.length >= concurrency) await finish();
        if (events.length >= 256) yield events.splice(0);
      }
    }
    while (pending.length) await finish();
    if (events.length) yield events.splice(0);
    for (const [folder, list] of folders) {
      const first = list[0]!;
      const urls = list.map((m) => m.item.url ?? m.rel);
      const item: Item = { id: first.rel, kind: o.groupByFolder === 'sequence' ? 'image_sequence' : 'image_group', urls, title: folder, metadata: {}, annotations: [] };
      events.push({ type: 'item', item, place: first.place });
    }
    for (const [uid, list] of series) {
      const normalOrder = (f: DicomFacts): number => slicePosition(f.position, f.orientation);
      list.sort((a, b) => (a.facts.instanceNumber ?? Infinity) - (b.facts.instanceNumber ?? Infinity) || normalOrder(a.facts) - normalOrder(b.facts) || (a.rel < b.rel ? -1 : 1));
      const sops = new Set<string>();
      for (const m of list) {
        if (m.facts.sopUid && sops.has(m.facts.sopUid)) ctx.report(diag('DICOM_SOP_DUPLICATE', `${m.rel} repeats SOPInstanceUID ${m.facts.sopUid} of its series`, m.place));
        if (m.facts.sopUid) sops.add(m.facts.sopUid);
      }
      const f0 = list[0]!.facts;
      const urls = list.map((m) => urlOf(o.urlPrefix, m.rel) ?? m.rel);
      const item: Item = { id: uid, kind: 'dicom_series', urls, title: f0.seriesDescription ?? uid, metadata: {}, annotations: [] };
      item.extras = { dicom: { studyUid: f0.studyUid ?? null, modality: f0.modality ?? null, files: list.map((m) => m.rel) } };
      if (f0.rows && f0.columns) [item.width, item.height] = [f0.columns, f0.rows];
      events.push({ type: 'item', item, place: list[0]!.place });
    }
    if (events.length) yield events.splice(0);
    if (skipped) ctx.report(diag('MEDIA_UNKNOWN', `${skipped} file${skipped === 1 ? '' : 's'} that are not media skipped (the first: ${firstSkipped})`, {}));
  };
}

