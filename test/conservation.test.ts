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
    const o = JSON.parse(line) as { annoconv?: unknown; metadata?: object; tags?: string[]; media?: object; width?: number; height?: number; annotations?: { kind: string; label?: string; labels?: string[]; score?: number; rotation?: number; attributes?: object; author?: string; createdAt?: string; origin?: string; group?: string }[] };
    if (o.annoconv !== undefined) continue; // the dataset header
    items++;
    add('metadata keys', Object.keys(o.metadata ?? {}).length);
    add('tags', o.tags?.length ?? 0);
    add('media facts', Object.keys(o.media ?? {}).length + (o.width !== undefined ? 1 : 0) + (o.height !== undefined ? 1 : 0));
    // sets beyond the first: one set written without its group name loses nothing of substance
    add('annotation sets', Math.max(new Set((o.annotations ?? []).flatMap((a) => (a.group !== undefined ? [a.group] : []))).size - 1, 0));
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
    items: /\b(items?|images?|tasks?|entry|entries)\b(?!')/i,
    'metadata keys': /metadata|fields|facts/i,
    tags: /tags/i,
    'media facts': /media|size|facts|metadata/i,
    'labelled annotations': /label|annotation|shape|class|categor|prediction|relation|box|polygon|mask|ellipse/i,
    'annotation sets': /annotation sets?|prediction/i,
  };
  // every annotation dropped (jsonl items, Encord manifests): their parts and sets go with them;
  // crowd regions left out (targets without them, core/crowd.ts) are annotations of any kind
  const allDropped = losses.some((l) => /^(annotations?|labels?)$/.test(l.what));
  const crowd = losses.some((l) => /^crowd regions?$/.test(l.what));
  if (crowd && (key === 'labelled annotations' || / (annotations|scores|rotations|attributes|authors|times|predictions)$/.test(key))) return true;
  if (item[key]) return losses.some((l) => item[key]!.test(l.what)) || (key === 'annotation sets' && allDropped);
  if (allDropped) return true;
  const [, kind, part] = /^(\w+) (annotations|scores|rotations|attributes|authors|times|predictions)$/.exec(key)!;
  const kindWords = new RegExp(`^${kind}|${kind === 'span' ? '^text' : kind === 'classification' ? 'classif' : '(?!)'}|shape|unlabelled|prediction`, 'i');
  const partWords: Record<string, RegExp> = { annotations: /(?!)/, scores: /score|prediction/i, rotations: /rotation/i, attributes: /attribute|field|part/i, authors: /author/i, times: /time|author/i, predictions: /prediction/i };
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

/** Counters of one conversion checked against the model read straight from its input. */
interface Checked {
  ran: boolean;
  readBack: boolean;
  failures: string[];
}

/**
 * Converts `bytes` (read as `from`) to `t`, checks read = written + rejected, reads the output back
 * and requires every decrease against `model` to be named in the loss report. A conversion that
 * rejected records is compared only when `strictWhenRejected` is false (whole datasets: the
 * rejected records' content is legitimately absent) -- then it is not compared at all.
 */
async function check(label: string, bytes: Buffer | string, from: string, model: string, t: (typeof TARGETS)[number]): Promise<Checked> {
  const res: Checked = { ran: false, readBack: false, failures: [] };
  const folder = t.can.directory === true;
  const out = folder ? join(dir, `${++outputs}-${t.id}`) : new MemorySink();
  let r;
  try {
    r = await convert({ input: bufferInput(bytes), from, to: t.id, output: out, options: { format: { urlPrefix: 'https://x.org/' } } });
  } catch (e) {
    if (e instanceof AnnoconvError && e.exitCode === 2) return res; // a usage refusal (e.g. the target needs an option)
    res.failures.push(`${label}: threw ${String(e)}`);
    return res;
  }
  res.ran = true;
  if (r.read !== r.written + r.rejected) res.failures.push(`${label}: read ${r.read} != written ${r.written} + rejected ${r.rejected}`);
  // YOLO and Annotto zones need the images for sizes (test/annotto.test.ts reads them back so);
  // ls-bulk payloads carry no items; rejected records are absent
  if (t.id === 'yolo' || t.id === 'ls-bulk' || t.id.startsWith('annotto-') || r.rejected > 0) return res;
  // JSON-MIN gives a single choice as a bare string, which reads back as a data field (the
  // JSON-MIN reader cannot tell the two apart): classifications are not compared there
  const ignore = t.id === 'labelstudio-min' ? ['classification'] : [];
  const before = measure(model, ignore);
  let after: Measure;
  try {
    after = measure(await toModel(folder ? (out as string) : bufferInput((out as MemorySink).text()), t.id), ignore);
  } catch (e) {
    res.failures.push(`${label}: its output cannot be read back (${String(e)})`);
    return res;
  }
  res.readBack = true;
  const fewer: string[] = [];
  if (after.items < before.items && !explains('items', r.losses)) fewer.push(`items ${before.items} -> ${after.items}`);
  for (const [k, n] of before.counts) {
    const m = after.counts.get(k) ?? 0;
    if (m < n && !explains(k, r.losses)) fewer.push(`${k} ${n} -> ${m}`);
  }
  if (fewer.length) res.failures.push(`${label}: ${fewer.join(', ')}; losses reported: ${r.losses.map((l) => l.what).join(', ') || 'none'}`);
  return res;
}

let outputs = 0;

/** The model of every source, and its item lines (with the dataset header when there is one). */
async function models(): Promise<{ name: string; format: string; bytes: Buffer; model: string; items: string[] }[]> {
  const out = [];
  for (const s of SOURCES) {
    let model: string;
    try {
      model = await toModel(bufferInput(s.bytes), s.format);
    } catch (e) {
      if (e instanceof AnnoconvError) continue; // an input refused as a whole: nothing to conserve
      throw e;
    }
    const lines = model.split('\n').filter((l) => l.trim());
    const header = lines[0]?.includes('"annoconv"') ? lines[0] + '\n' : '';
    out.push({ ...s, model, items: lines.filter((l) => !l.includes('"annoconv"')).map((l) => header + l + '\n') });
  }
  return out;
}

describe('conservation: read = written + rejected, and every drop is in the loss report', () => {
  it(`${SOURCES.length} fixture inputs x ${TARGETS.length} targets, whole files`, async () => {
    const failures: string[] = [];
    let pairs = 0;
    let checkedBack = 0;
    for (const s of await models()) {
      for (const t of TARGETS) {
        const r = await check(`${s.name} -> ${t.id}`, s.bytes, s.format, s.model, t);
        if (r.ran) pairs++;
        if (r.readBack) checkedBack++;
        failures.push(...r.failures);
      }
    }
    expect(failures).toEqual([]);
    expect(pairs).toBeGreaterThan(200);
    expect(checkedBack).toBeGreaterThan(250);
  }, 120_000);

  it('item by item: each item of every fixture, alone, into every writable format', async () => {
    const failures: string[] = [];
    let ran = 0;
    let checkedBack = 0;
    for (const s of await models()) {
      for (const [i, item] of s.items.slice(0, 12).entries()) {
        for (const t of TARGETS) {
          const r = await check(`${s.name} item ${i} -> ${t.id}`, item, 'annoconv', item, t);
          if (r.ran) ran++;
          if (r.readBack) checkedBack++;
          failures.push(...r.failures);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(ran).toBeGreaterThan(1500);
    expect(checkedBack).toBeGreaterThan(1000);
  }, 180_000);
});
