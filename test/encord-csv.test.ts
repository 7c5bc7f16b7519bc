/** Encord CSV manifests: round trips with encord-json, loss, formula escaping, title collisions, grouping at scale. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferInput, convert, MemorySink } from '../src/index.js';
import type { Diagnostic } from '../src/core/diagnostics.js';
import { cli, jsonDiagnostics, ROOT, rng } from './helpers/run.js';

async function run(input: string, from: string, to: string, format: Record<string, unknown> = {}, strict = false): Promise<{ text: string; exitCode: number; diags: Diagnostic[]; read: number; written: number; rejected: number }> {
  const sink = new MemorySink();
  const diags: Diagnostic[] = [];
  const r = await convert({ input: bufferInput(input), from, to, output: sink, options: { format, strict }, onDiagnostic: (d) => diags.push(d) });
  return { text: sink.text(), exitCode: r.exitCode, diags, read: r.read, written: r.written, rejected: r.rejected };
}

/** The header row each section type is written with, keyed by its case-folded second heading. */
const CANONICAL: Record<string, string> = {
  'video title': 'ObjectUrl,Video title,Create video',
  'image title': 'ObjectUrl,Image title,Create video',
  'image group title': 'ObjectUrl,Image group title,Create video',
  'dicom title': 'ObjectUrl,Dicom title,Create video',
  'series title': 'ObjectUrl,Dicom title,Create video',
};

describe('encord-csv round trips', () => {
  it('encord-csv -> encord-json -> encord-csv gives back the same rows, headings normalized', async () => {
    const src = readFileSync(ROOT + 'fixtures/encord-csv/sections/input.csv', 'utf8');
    const json = await run(src, 'encord-csv', 'encord-json');
    expect(json.exitCode).toBe(0);
    const back = await run(json.text, 'encord-json', 'encord-csv');
    const want = src
      .split('\n')
      .map((l) => (/^\s*objecturl\s*,/i.test(l) ? CANONICAL[l.split(',')[1]!.trim().toLowerCase()]! : l))
      .join('\n');
    expect(back.text).toBe(want);
    // the blank DICOM title stays absent in JSON (Encord then uses the file name)
    const series = (JSON.parse(json.text) as { dicom_series: Record<string, unknown>[] }).dicom_series;
    expect(series.map((s) => s.title)).toEqual(['Series A', undefined]);
  });

  it('encord-csv -> annoconv -> encord-csv is the same file for the documented example (after normalization)', async () => {
    const src = readFileSync(ROOT + 'fixtures/encord-csv/documented/input.csv', 'utf8');
    const model = await run(src, 'encord-csv', 'annoconv');
    const once = await run(model.text, 'annoconv', 'encord-csv');
    const twice = await run((await run(once.text, 'encord-csv', 'annoconv')).text, 'annoconv', 'encord-csv');
    expect(once.exitCode).toBe(0);
    expect(twice.text).toBe(once.text);
    // sequences present: every section states Create video (FORMATS.md 3.2)
    expect(once.text.split('\n').filter((l) => l.startsWith('ObjectUrl'))).toEqual(['ObjectUrl,Video title,Create video', 'ObjectUrl,Image title,Create video', 'ObjectUrl,Image group title,Create video', 'ObjectUrl,Dicom title,Create video']);
    expect(once.text).toContain('https://encord-bucket.s3.eu-west-2.amazonaws.com/videos/video1.mp4,My video,false\n');
  });

  it('encord-json -> encord-csv counts what CSV cannot hold and refuses the entry kinds it cannot register', async () => {
    const src = readFileSync(ROOT + 'fixtures/encord-json/all-kinds/input.json', 'utf8');
    const r = await run(src, 'encord-json', 'encord-csv');
    expect({ read: r.read, written: r.written, rejected: r.rejected }).toEqual({ read: 10, written: 6, rejected: 4 });
    const unsupported = r.diags.filter((d) => d.code === 'ENCORD_ITEM_UNSUPPORTED').map((d) => d.pointer);
    expect(unsupported).toEqual(['#/audio/0', '#/text/0', '#/pdfs/0', '#/nifti/0']);
    const losses = r.diags.filter((d) => d.code === 'LOSS_DROPPED').map((d) => d.message.split(':')[0]).sort();
    expect(losses).toEqual(['dropped 1 imageMetadata field', 'dropped 1 priority field', 'dropped 1 skip_duplicate_urls setting', 'dropped 1 videoMetadata field', 'dropped 3 clientMetadata fields']);
    // the untitled DICOM series gets its first file's name, warned
    expect(r.diags.filter((d) => d.code === 'ENCORD_TITLE_MISSING').map((d) => d.pointer)).toEqual(['#/dicom_series/0/title', '#/dicom_series/0']);
    expect(r.text.split('\n').slice(-3)).toEqual(['https://my-bucket.s3.eu-west-1.amazonaws.com/ct/1,1,false', 'https://my-bucket.s3.eu-west-1.amazonaws.com/ct/2,1,false', '']);
    // with --strict the loss is an error and the entry is refused
    const strict = await run(src, 'encord-json', 'encord-csv', {}, true);
    expect(strict.diags.filter((d) => d.code === 'LOSS_DROPPED' && d.severity === 'error').length).toBeGreaterThanOrEqual(4);
    expect(strict.written).toBe(2);
  });
});

describe('encord-csv writer', () => {
  const item = (id: string, kind: string, extra: Record<string, unknown>): string => JSON.stringify({ id, kind, metadata: {}, annotations: [], ...extra });

  it('escapes cells a spreadsheet would run as formulas, unless told not to', async () => {
    const input = [
      item('a', 'image', { url: 'https://b/a.jpg', title: '=HYPERLINK("http://x")' }),
      item('b', 'image', { url: 'https://b/b.jpg', title: '-5 degrees' }),
      item('c', 'image', { url: 'https://b/c.jpg', title: 'plain' }),
    ].join('\n');
    const r = await run(input, 'annoconv', 'encord-csv');
    expect(r.text).toBe('ObjectUrl,Image title\nhttps://b/a.jpg,"\'=HYPERLINK(""http://x"")"\nhttps://b/b.jpg,\'-5 degrees\nhttps://b/c.jpg,plain\n');
    expect(r.diags.map((d) => [d.code, d.message.split(' ')[0]])).toEqual([['CSV_FORMULA_ESCAPED', '2']]);
    const raw = await run(input, 'annoconv', 'encord-csv', { escapeFormulas: false });
    expect(raw.text).toBe('ObjectUrl,Image title\nhttps://b/a.jpg,"=HYPERLINK(""http://x"")"\nhttps://b/b.jpg,-5 degrees\nhttps://b/c.jpg,plain\n');
    expect(raw.diags).toEqual([]);
  });

  it('refuses a second group with a title already taken (CSV would merge them); DICOM titles are their own namespace', async () => {
    const input = [
      item('g1', 'image_group', { urls: ['https://b/1.jpg', 'https://b/2.jpg'], title: 'T' }),
      item('g2', 'image_sequence', { urls: ['https://b/3.jpg'], title: 'T' }),
      item('d1', 'dicom_series', { urls: ['https://b/d1'], title: 'T' }),
    ].join('\n');
    const r = await run(input, 'annoconv', 'encord-csv');
    expect(r.diags.map((d) => [d.code, d.line])).toEqual([['ENCORD_CSV_TITLE_TAKEN', 2]]);
    expect(r.text).toBe('ObjectUrl,Image group title,Create video\nhttps://b/1.jpg,T,false\nhttps://b/2.jpg,T,false\nObjectUrl,Dicom title\nhttps://b/d1,T\n');
  });
});

describe('encord-csv details', () => {
  it('the formula escape keeps titles apart and comes off on reading: =a is written \'=a, \'=a is written \'\'=a, -5 is a number; all read back as they were', async () => {
    const item = (id: string, title: string): string => JSON.stringify({ id, kind: 'image_group', urls: [`https://b/${id}.jpg`], title, metadata: {}, annotations: [] });
    const r = await run([item('a', '=a'), item('b', "'=a"), item('c', '-5')].join('\n'), 'annoconv', 'encord-csv');
    expect(r.diags.map((d) => d.code)).toEqual(['CSV_FORMULA_ESCAPED']);
    expect(r.text).toBe("ObjectUrl,Image group title,Create video\nhttps://b/a.jpg,'=a,false\nhttps://b/b.jpg,''=a,false\nhttps://b/c.jpg,-5,false\n");
    const back = await run(r.text, 'encord-csv', 'annoconv');
    expect(back.text.trim().split('\n').map((l) => (JSON.parse(l) as { title: string }).title)).toEqual(['=a', "'=a", '-5']);
  });

  it('a header row that cannot be read rejects the rows below it instead of adding them to the previous section', async () => {
    const r = await run('ObjectUrl,Video title\nhttps://b/1.mp4,one\nObjectUrl,"Image title"x\nhttps://b/2.jpg,two\n', 'encord-csv', 'annoconv');
    expect({ read: r.read, written: r.written, rejected: r.rejected, codes: r.diags.map((d) => [d.code, d.line]) }).toEqual({ read: 2, written: 1, rejected: 1, codes: [['CSV_STRAY_QUOTE', 3]] });
  });

  it('rows a spreadsheet padded with commas are skipped like empty lines', async () => {
    const r = await run('ObjectUrl,Image title,\nhttps://b/1.jpg,one,\n,,\n, ,\nhttps://b/2.jpg,two,\n', 'encord-csv', 'annoconv');
    expect({ read: r.read, written: r.written, codes: r.diags.map((d) => d.code) }).toEqual({ read: 2, written: 2, codes: [] });
  });
});

describe('encord-csv grouping', () => {
  it('rows of thousands of interleaved groups come back grouped, in row order, groups in order of first row', async () => {
    const random = rng(7);
    const groups = 3000;
    const rows: string[] = ['ObjectUrl,Image group title,Create video'];
    const expected = new Map<string, string[]>();
    const firstSeen: string[] = [];
    for (let i = 0; i < 12000; i++) {
      const g = Math.floor(random() * groups);
      const title = `group ${g}`;
      const url = `https://b.s3.amazonaws.com/g${g}/${i}.jpg`;
      if (!expected.has(title)) {
        expected.set(title, []);
        firstSeen.push(title);
      }
      expected.get(title)!.push(url);
      rows.push(`${url},${title},${g % 2 === 0}`);
    }
    const r = await run(rows.join('\n') + '\n', 'encord-csv', 'annoconv');
    expect(r.exitCode).toBe(0);
    const items = r.text.trim().split('\n').map((l) => JSON.parse(l) as { title: string; urls: string[]; kind: string });
    expect(items.map((i) => i.title)).toEqual(firstSeen);
    for (const it of items) {
      expect(it.urls).toEqual(expected.get(it.title));
      expect(it.kind).toBe(Number(it.title.split(' ')[1]) % 2 === 0 ? 'image_sequence' : 'image_group');
    }
  });
});

describe('--split', () => {
  it('numbers parts before the extension, before both of .json.gz, and after an extension-less name', async () => {
    const { partPath } = await import('../src/core/split-output.js');
    expect(['out.json', 'dir/out.csv', 'out.json.gz', 'out', 'a.b/out', 'out.JSON.GZ'].map((p) => partPath(p, 2))).toEqual(['out-002.json', 'dir/out-002.csv', 'out-002.json.gz', 'out-002', 'a.b/out-002', 'out-002.JSON.GZ']);
  });

  const images = (n: number): string => JSON.stringify({ images: Array.from({ length: n }, (_, i) => ({ objectUrl: `https://b/${i}.jpg` })), image_groups: [{ title: 'g', createVideo: false, objectUrl_0: 'https://b/g0.jpg', objectUrl_1: 'https://b/g1.jpg' }], skip_duplicate_urls: true });

  async function parts(input: string, from: string, to: string, every: number): Promise<string[]> {
    const sinks: MemorySink[] = [];
    const r = await convert({ input: bufferInput(input), from, to, split: { every, open: async () => { const s = new MemorySink(); sinks.push(s); return s; } } });
    expect(r.exitCode).toBe(0);
    return sinks.map((s) => s.text());
  }

  it('encord-json: numbered manifests of at most N entries, each whole (a section cut is reopened, settings repeated)', async () => {
    const out = (await parts(images(5), 'encord-json', 'encord-json', 2)).map((t) => JSON.parse(t) as Record<string, unknown[]>);
    expect(out.map((m) => [m.images?.length ?? 0, m.image_groups?.length ?? 0, m.skip_duplicate_urls])).toEqual([[2, 0, true], [2, 0, true], [1, 1, true]]);
    expect(out.flatMap((m) => (m.images ?? []) as { objectUrl: string }[]).map((e) => e.objectUrl)).toEqual([0, 1, 2, 3, 4].map((i) => `https://b/${i}.jpg`));
  });

  it('encord-csv: each part has its own headers and a group is never cut', async () => {
    const out = await parts(images(3), 'encord-json', 'encord-csv', 3);
    expect(out).toEqual([
      'ObjectUrl,Image title\nhttps://b/0.jpg,\nhttps://b/1.jpg,\nhttps://b/2.jpg,\n',
      'ObjectUrl,Image group title,Create video\nhttps://b/g0.jpg,g,false\nhttps://b/g1.jpg,g,false\n',
    ]);
  });

  it('CLI: -o names the parts (out.json -> out-001.json ...); without -o it is a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-split-'));
    try {
      writeFileSync(join(dir, 'in.json'), images(5));
      const r = await cli(['convert', join(dir, 'in.json'), '--to', 'encord-json', '--split', '2', '-o', join(dir, 'out.json')]);
      expect(r.code).toBe(0);
      expect(readdirSync(dir).sort()).toEqual(['in.json', 'out-001.json', 'out-002.json', 'out-003.json']);
      expect((JSON.parse(readFileSync(join(dir, 'out-003.json'), 'utf8')) as { images: unknown[] }).images).toHaveLength(1);
      const bad = await cli(['convert', join(dir, 'in.json'), '--to', 'encord-json', '--split', '2', '--diagnostics', 'json']);
      expect(bad.code).toBe(2);
      expect(jsonDiagnostics(bad.stderr).map((d) => d.code)).toEqual(['OPTION_INVALID']);
      const coco = await cli(['convert', join(dir, 'in.json'), '--to', 'coco', '--split', '2', '-o', join(dir, 'c.json'), '--diagnostics', 'json']);
      expect(coco.code).toBe(2);
      expect(readdirSync(dir)).not.toContain('c.json');
      // a later run with fewer parts removes the earlier run's extra ones, and says so
      const again = await cli(['convert', join(dir, 'in.json'), '--to', 'encord-json', '--split', '4', '-o', join(dir, 'out.json'), '--diagnostics', 'json']);
      expect(again.code).toBe(0);
      expect(jsonDiagnostics(again.stderr).map((d) => [d.code, d.severity])).toEqual([['OUTPUT_STALE_PARTS', 'warning']]);
      expect(readdirSync(dir).sort()).toEqual(['in.json', 'out-001.json', 'out-002.json']);
      expect((JSON.parse(readFileSync(join(dir, 'out-002.json'), 'utf8')) as { images: unknown[] }).images).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
