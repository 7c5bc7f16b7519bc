/**
 * sa1b: a generated SA-1B folder read to COCO, each mask's compressed RLE decoded by an independent
 * Python reader (maskApi.c's rleFrString rule, written here) and compared with the COCO run lengths
 * annoconv wrote, with bbox and area from the decoded mask; sa1b -> sa1b gives the same JSON; bad
 * files are SA_JSON_INVALID; the writer's refusals; 8 shards to COCO merged give the single run's COCO
 * (same ids, categories pinned with --categories).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, jsonDiagnostics } from '../helpers/run.js';
import { python } from '../peers/peers.js';
// @ts-expect-error: a plain script of the bench
import { generate } from '../../bench/gen_sa1b.js';

const dir = mkdtempSync(join(tmpdir(), 'annoconv-sa1b-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string): string => join(dir, f);

const DECODE = `
import json, sys
def decode(s):
    counts, p, m = [], 0, 0
    while p < len(s):
        x, k, more = 0, 0, True
        while more:
            c = ord(s[p]) - 48
            x |= (c & 0x1f) << (5 * k)
            more = bool(c & 0x20)
            p += 1; k += 1
            if not more and (c & 0x10): x |= -1 << (5 * k)
        if m > 2: x += counts[m - 2]
        counts.append(x); m += 1
    return counts
def box(counts, h):
    pos, xs, ys = 0, [], []
    for i, c in enumerate(counts):
        if i % 2 == 1 and c > 0:
            for q in (pos, pos + c - 1):
                xs.append(q // h); ys.append(q % h)
            if c >= h: ys += [0, h - 1]
            elif (pos % h) + c > h: ys += [0, h - 1]
        pos += c
    return [min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1] if xs else [0, 0, 0, 0]
src, coco = sys.argv[1], json.load(open(sys.argv[2]))
anns = {a['id']: a for a in coco['annotations']}
checked = 0
for name in sorted(__import__('os').listdir(src)):
    doc = json.load(open(src + '/' + name))
    h, w = doc['image']['height'], doc['image']['width']
    for a in doc['annotations']:
        counts = decode(a['segmentation']['counts'])
        assert sum(counts) == h * w, name
        b = anns[a['id']]
        assert b['image_id'] == doc['image']['image_id'], a['id']
        assert b['segmentation']['counts'] == counts, a['id']
        assert b['area'] == sum(counts[1::2]) == a['area'], a['id']
        assert b['bbox'] == box(counts, h) == a['bbox'], (a['id'], b['bbox'], box(counts, h), a['bbox'])
        checked += 1
print(checked)
`;

describe('sa1b', () => {
  it('masks read as the compressed RLE definition says (independent decoder); sa1b -> sa1b is the same JSON', async () => {
    generate(at('in'), 200, 5, 48);
    writeFileSync(at('cats.txt'), 'object\n');
    const r = await cli(['convert', at('in'), '--from', 'sa1b', '--sa1b-label', 'object', '--to', 'coco', '--categories', at('cats.txt'), '-o', at('out.json')]);
    expect(r.code, r.stderr).toBe(0);
    const py = python(DECODE, [at('in'), at('out.json')]);
    expect(py.stderr).toBe('');
    expect(Number(py.stdout.trim())).toBe(1000);
    const back = await cli(['convert', at('in'), '--to', 'sa1b', '-o', at('back')]);
    expect(back.code, back.stderr).toBe(0);
    for (const f of readdirSync(at('in'))) expect(JSON.parse(readFileSync(at(`back/${f}`), 'utf8'))).toEqual(JSON.parse(readFileSync(at(`in/${f}`), 'utf8')));
  }, 60_000);

  it('bad files are SA_JSON_INVALID, located; the writer refuses items without size (SA_JSON_NO_SIZE) or with a taken name (SA_JSON_NAME_TAKEN)', async () => {
    mkdirSync(at('bad'));
    const good = JSON.parse(readFileSync(at('in/sa_1.json'), 'utf8'));
    writeFileSync(at('bad/sa_1.json'), JSON.stringify(good));
    writeFileSync(at('bad/sa_2.json'), '{"image": ');
    writeFileSync(at('bad/sa_3.json'), JSON.stringify({ ...good, image: { ...good.image, width: 10 } }));
    const r = await cli(['validate', at('bad'), '--from', 'sa1b', '--diagnostics', 'json']);
    expect(r.code).toBe(1);
    const d = jsonDiagnostics(r.stderr);
    expect(d.map((x) => [x.code, x.file?.split('/').pop()])).toEqual([['SA_JSON_INVALID', 'sa_2.json'], ['SA_JSON_INVALID', 'sa_3.json']]);
    expect(d[1]!.pointer).toBe('#/annotations/0/segmentation/size');
    writeFileSync(at('items.jsonl'), JSON.stringify({ uuid: 'a', datatype: 'image', data: { url: 'https://x/a.jpg' } }) + '\n');
    const w = await cli(['convert', at('items.jsonl'), '--from', 'jsonl', '--to', 'sa1b', '-o', at('w'), '--diagnostics', 'json']);
    expect(jsonDiagnostics(w.stderr).map((x) => x.code).filter((c) => c.startsWith('SA_JSON'))).toEqual(['SA_JSON_NO_SIZE']);
    const coco = { images: [{ id: 1, file_name: 'p.jpg', width: 4, height: 4 }, { id: 2, file_name: 'P.jpg', width: 4, height: 4 }], annotations: [], categories: [] };
    writeFileSync(at('two.json'), JSON.stringify(coco));
    const t = await cli(['convert', at('two.json'), '--from', 'coco', '--to', 'sa1b', '-o', at('w2'), '--diagnostics', 'json']);
    expect(jsonDiagnostics(t.stderr).map((x) => x.code).filter((c) => c.startsWith('SA_JSON'))).toEqual(['SA_JSON_NAME_TAKEN']);
    expect(readdirSync(at('w2')).filter((f) => !f.startsWith('.'))).toEqual(['p.json']);
  }, 60_000);

  it('8 shards to COCO merged with their summaries: the single run COCO and accounting', async () => {
    const one = await cli(['convert', at('in'), '--from', 'sa1b', '--sa1b-label', 'object', '--to', 'coco', '--categories', at('cats.txt'), '-o', at('one.json'), '--summary', at('one.s.json'), '-q']);
    expect(one.code).toBe(0);
    const outs: string[] = [];
    const sums: string[] = [];
    for (let i = 0; i < 8; i++) {
      outs.push(at(`p${i}.json`));
      sums.push(at(`p${i}.s.json`));
      const r = await cli(['convert', at('in'), '--from', 'sa1b', '--sa1b-label', 'object', '--to', 'coco', '--categories', at('cats.txt'), '--shard', `${i}/8`, '-o', outs[i]!, '--summary', sums[i]!, '-q']);
      expect(r.code, r.stderr).toBe(0);
    }
    const m = await cli(['merge', ...outs, '--to', 'coco', '-o', at('merged.json'), '--summaries', ...sums, '--diagnostics', 'json']);
    expect(m.code, m.stderr).toBe(0);
    const a = JSON.parse(readFileSync(at('one.json'), 'utf8'));
    const b = JSON.parse(readFileSync(at('merged.json'), 'utf8'));
    const byId = (l: any[]): any[] => [...l].sort((x, y) => x.id - y.id);
    expect(byId(b.images)).toEqual(byId(a.images));
    expect(byId(b.annotations)).toEqual(byId(a.annotations));
    expect(b.categories).toEqual(a.categories);
    const s1 = JSON.parse(readFileSync(at('one.s.json'), 'utf8')).summary;
    const t = (JSON.parse(m.stderr.split('\n').filter(Boolean).pop()!) as any).summary.totals;
    expect([t.read, t.written, t.rejected, t.losses]).toEqual([s1.read, s1.written, s1.rejected, s1.losses]);
  }, 90_000);
});
