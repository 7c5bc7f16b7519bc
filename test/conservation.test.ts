/**
 * Conservation, for every converter: records read = written + rejected, and what a target cannot
 * hold is counted. Each fixture input goes to every writable format; the output is read back into
 * the model and compared with the input read straight into the model: items, annotations by kind,
 * labels and metadata keys. Anything fewer on the way back must show in the loss report (or as
 * rejected records).
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferInput, convert, MemorySink } from '../src/index.js';
import { AnnoconvError } from '../src/core/diagnostics.js';
import { listFormats } from '../src/core/registry.js';
import { seeds } from './hostile/fuzz.js';
import { ROOT } from './helpers/run.js';

interface Measure {
  items: number;
  counts: Map<string, number>;
}

/** What an annoconv stream holds, counted: items, annotations by kind, labels, metadata keys. */
function measure(text: string, ignoreKinds: string[] = []): Measure {
  const counts = new Map<string, number>();
  const add = (k: string, n = 1): void => void counts.set(k, (counts.get(k) ?? 0) + n);
  let items = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const o = JSON.parse(line) as { annoconv?: unknown; metadata?: object; tags?: string[]; annotations?: { kind: string; label?: string; labels?: string[]; score?: number; rotation?: number; attributes?: object; author?: string; createdAt?: string; origin?: string; group?: string }[] };
    if (o.annoconv !== undefined) continue; // the dataset header
    items++;
    add('metadata keys', Object.keys(o.metadata ?? {}).length);
    add('tags', o.tags?.length ?? 0);
    add('annotation sets', new Set((o.annotations ?? []).flatMap((a) => (a.group !== undefined ? [a.group] : []))).size);
    for (const a of o.annotations ?? []) {
      if (ignoreKinds.includes(a.kind)) continue;
      add(`${a.kind} annotations`);
      if (a.label !== undefined || a.labels?.length) add('labelled annotations');
      if (a.score !== undefined) add(`${a.kind} scores`);
      if (a.author !== undefined) add(`${a.kind} authors`);
      if (a.createdAt !== undefined) add(`${a.kind} times`);
      if (a.origin === 'prediction') add(`${a.kind} predictions`);
      if (a.rotation) add(`${a.kind} rotations`);
      add(`${a.kind} attributes`, Object.keys(a.attributes ?? {}).length);
    }
  }
  return { items, counts };
}

/**
 * Whether a loss line names what was found fewer: the annotation kind it belongs to (a text
 * annotation dropped takes its score with it), the part itself, or a word for the whole.
 */
function explains(key: string, losses: { what: string }[]): boolean {
  const item: Record<string, RegExp> = {
    items: /items|images|tasks|entries/i,
    'metadata keys': /metadata|fields|facts/i,
    tags: /tags/i,
    'labelled annotations': /label|annotations|shapes|classes|categories|predictions|relations/i,
    'annotation sets': /annotation sets|predictions/i,
  };
  // every annotation dropped (jsonl items, Encord manifests): their parts and sets go with them
  const allDropped = losses.some((l) => /^(annotations|labels)$/.test(l.what));
  if (item[key]) return losses.some((l) => item[key]!.test(l.what)) || (key === 'annotation sets' && allDropped);
  if (allDropped) return true;
  const [, kind, part] = /^(\w+) (annotations|scores|rotations|attributes|authors|times|predictions)$/.exec(key)!;
  const kindWords = new RegExp(`^${kind}|${kind === 'span' ? '^text' : kind === 'classification' ? 'classif' : '(?!)'}|shapes|unlabelled|predictions`, 'i');
  const partWords: Record<string, RegExp> = { annotations: /(?!)/, scores: /score|predictions/i, rotations: /rotation/i, attributes: /attributes|fields|parts/i, authors: /author/i, times: /time|author/i, predictions: /prediction/i };
  return losses.some((l) => kindWords.test(l.what) || partWords[part!]!.test(l.what));
}

async function toModel(input: Parameters<typeof convert>[0]['input'], from: string): Promise<string> {
  const sink = new MemorySink();
  await convert({ input, from, to: 'annoconv', output: sink });
  return sink.text();
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'annoconv-conservation-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SOURCES = [
  ...seeds(),
  { format: 'coco', name: 'sample/instances.json', bytes: readFileSync(join(ROOT, 'fixtures/sample/instances.json')) },
];
const TARGETS = listFormats().filter((f) => f.can.write);

describe('conservation: read = written + rejected, and every drop is in the loss report', () => {
  it(`${SOURCES.length} fixture inputs x ${TARGETS.length} targets`, async () => {
    const failures: string[] = [];
    let pairs = 0;
    let checkedBack = 0;
    for (const s of SOURCES) {
      let model: string;
      try {
        model = await toModel(bufferInput(s.bytes), s.format);
      } catch (e) {
        if (e instanceof AnnoconvError) continue; // an input refused as a whole: nothing to conserve
        throw e;
      }
      for (const t of TARGETS) {
        const folder = t.can.directory === true;
        const out = folder ? join(dir, `${pairs}-${t.id}`) : new MemorySink();
        let r;
        try {
          r = await convert({ input: bufferInput(s.bytes), from: s.format, to: t.id, output: out, options: { format: { urlPrefix: 'https://x.org/' } } });
        } catch (e) {
          if (e instanceof AnnoconvError && e.exitCode === 2) continue; // a usage refusal (e.g. the target needs an option)
          failures.push(`${s.name} -> ${t.id}: threw ${String(e)}`);
          continue;
        }
        pairs++;
        const label = `${s.name} -> ${t.id}`;
        if (r.read !== r.written + r.rejected) failures.push(`${label}: read ${r.read} != written ${r.written} + rejected ${r.rejected}`);
        if (t.id === 'yolo' || t.id === 'ls-bulk') continue; // YOLO needs the images for sizes; ls-bulk payloads carry no items
        // JSON-MIN gives a single choice as a bare string, which reads back as a data field (the
        // JSON-MIN reader cannot tell the two apart): classifications are not compared there
        const ignore = t.id === 'labelstudio-min' ? ['classification'] : [];
        const before = measure(model, ignore);
        let after: Measure;
        try {
          after = measure(await toModel(folder ? (out as string) : bufferInput((out as MemorySink).text()), t.id), ignore);
        } catch (e) {
          failures.push(`${label}: its output cannot be read back (${String(e)})`);
          continue;
        }
        checkedBack++;
        const fewer: string[] = [];
        if (after.items < before.items && r.rejected === 0 && !explains('items', r.losses)) fewer.push(`items ${before.items} -> ${after.items}`);
        for (const [k, n] of before.counts) {
          const m = after.counts.get(k) ?? 0;
          if (m < n && r.rejected === 0 && !explains(k, r.losses)) fewer.push(`${k} ${n} -> ${m}`);
        }
        if (fewer.length) failures.push(`${label}: ${fewer.join(', ')}; losses reported: ${r.losses.map((l) => l.what).join(', ') || 'none'}`);
      }
    }
    expect(failures).toEqual([]);
    expect(pairs).toBeGreaterThan(200);
    expect(checkedBack).toBeGreaterThan(150);
  }, 120_000);
});
