/**
 * Peer check: the Annotto server's own Joi schemas (annotto-server.ts) against annoconv, on
 * - the demo projects of the server (statics/demo/*: predictions, annotations, config), whole and
 *   with one mutation a line: annoconv's validate and the server's schema refuse the same lines;
 * - annoconv's output (the COCO sample, a Label Studio NER task) and the config it wrote: the
 *   server's schemas accept every line, its predictions schema with the tasks of that config.
 * Skipped when ../peers/annotto is absent.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, jsonDiagnostics, ROOT } from '../helpers/run.js';
import { ANNOTTO, annottoPresent, loadServer, predictionError, type Server } from './annotto-server.js';
import { skipping } from './peers.js';

const present = annottoPresent();
if (!present) skipping('Annotto server', 'no ../peers/annotto: see test/peers/README.md');
const work = mkdtempSync(join(tmpdir(), 'annoconv-peer-annotto-'));
let server: Server | undefined;
afterAll(() => {
  server?.dispose();
  rmSync(work, { recursive: true, force: true });
});

type Line = Record<string, any>;
const parse = (text: string): Line[] => text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const DEMO = join(ANNOTTO, 'statics/demo');

/** One mutation a line: each breaks a rule of the server's schema. */
const PREDICTION_MUTATIONS: [string, (l: Line) => boolean][] = [
  ['extra top-level key', (l) => ((l.extra = 1), true)],
  ['no uuid', (l) => (delete l.uuid, true)],
  ['unknown category', (l) => { const k = Object.keys(l.annotations)[0]; if (!k) return false; l.annotations['No such category'] = l.annotations[k]; delete l.annotations[k]; return true; }],
  ['unknown value', (l) => { const c = Object.values(l.annotations)[0] as Line | undefined; const e = c?.labels?.[0] ?? c?.entities?.[0]; if (!e) return false; e.value = 'no-such-value'; return true; }],
  ['no proba / coords out of range / no end / empty text', (l) => {
    for (const c of Object.values(l.annotations) as Line[]) {
      if (c.labels?.[0]) return delete c.labels[0].proba, true;
      const e = c.entities?.[0];
      if (e?.coords) return (e.coords[0].x = 1.5), true;
      if (e && 'start' in e) return delete e.end, true;
      if (e && 'text' in e) return (e.text = ''), true;
    }
    return false;
  }],
  ['empty entity list', (l) => { const c = Object.values(l.annotations)[0] as Line | undefined; if (!c) return false; if (c.labels) c.labels = []; else c.entities = []; return true; }],
];

const ANNOTATION_MUTATIONS: [string, (l: Line) => boolean][] = [
  ['top-level uuid (the export\'s)', (l) => ((l.uuid = l.item.uuid), true)],
  ['unknown top-level key', (l) => ((l.extra = 1), true)],
  ['unknown task type', (l) => ((l.annotation.bogus = {}), true)],
  ['ner entity without ent_id', (l) => { const c = Object.entries(l.annotation.ner ?? {}).find(([k]) => k !== 'relations')?.[1] as Line | undefined; if (!c?.entities?.[0]) return false; delete c.entities[0].ent_id; return true; }],
  ['zone point x as text', (l) => { const c = Object.values(l.annotation.zone ?? {})[0] as Line | undefined; if (!c?.entities?.[0]) return false; c.entities[0].coords[0].x = 'left'; return true; }],
  ['markers not strings', (l) => ((l.markers = [1]), true)],
  ['seenAt not a date', (l) => ((l.itemMetadata.seenAt = 'yesterday-ish'), true)],
];

/** Line numbers (1-based) annoconv's validate refuses. */
async function refused(file: string, format: string, config?: string): Promise<number[]> {
  const r = await cli(['validate', file, '--format', format, '--diagnostics', 'json', ...(config ? ['--annotto-config', config] : [])]);
  return [...new Set(jsonDiagnostics(r.stderr).filter((d) => d.severity === 'error' && d.line !== undefined).map((d) => d.line!))].sort((a, b) => a - b);
}

/** Line numbers the server's schema refuses. */
async function serverRefused(lines: Line[], kind: 'predictions' | 'annotations', config: { tasks: object[] }): Promise<number[]> {
  const out: number[] = [];
  for (const [i, l] of lines.entries()) {
    const e = kind === 'predictions' ? await predictionError(server!, l, config) : server!.annotations.validate(l).error?.message;
    if (e !== undefined) out.push(i + 1);
  }
  return out;
}

describe.skipIf(!present)('Annotto server schemas agree with annoconv', () => {
  const demos = present ? readdirSync(DEMO).filter((d) => existsSync(join(DEMO, d, 'config.json'))) : [];

  it('on the demo projects, as they are and mutated line by line', async () => {
    server ??= loadServer();
    let compared = 0;
    for (const d of demos) {
      const configPath = join(DEMO, d, 'config.json');
      const config = JSON.parse(readFileSync(configPath, 'utf8'));
      for (const kind of ['predictions', 'annotations'] as const) {
        const file = join(DEMO, d, `${kind}.jsonlines`);
        if (!existsSync(file)) continue;
        const format = kind === 'predictions' ? 'annotto-predictions' : 'annotto-annotations';
        const original = parse(readFileSync(file, 'utf8'));
        // the demo files as they are: both accept every line
        expect(await serverRefused(original, kind, config), `${d}/${kind}`).toEqual([]);
        expect(await refused(file, format, configPath), `${d}/${kind}`).toEqual([]);
        for (const [name, mutate] of kind === 'predictions' ? PREDICTION_MUTATIONS : ANNOTATION_MUTATIONS) {
          const lines = original.map((l) => structuredClone(l));
          if (!mutate(lines[0]!)) continue;
          const path = join(work, `${d}-${kind}-mutated.jsonlines`);
          writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
          // the server's import checks predictions with the project's tasks, annotations' shape with Joi alone
          const ours = await refused(path, format, kind === 'predictions' ? configPath : undefined);
          expect(ours, `${d}/${kind}: ${name}`).toEqual(await serverRefused(lines, kind, config));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(40);
  }, 120_000);

  it("on annoconv's output and the config it wrote", async () => {
    server ??= loadServer();
    const dir = join(work, 'out');
    mkdirSync(dir, { recursive: true });
    const lsText = 'Zoë 👩‍💻 works at Café 🎉 in Zürich.';
    const cp = (s: string): [number, number] => { const i = lsText.indexOf(s); const a = [...lsText.slice(0, i)].length; return [a, a + [...s].length]; };
    const [s0, e0] = cp('Zoë 👩‍💻');
    const [s1, e1] = cp('Café 🎉');
    writeFileSync(join(dir, 'ls.json'), JSON.stringify([{ id: 1, data: { text: lsText }, predictions: [{ score: 0.3, result: [
      { id: 'a', from_name: 'label', to_name: 'text', type: 'labels', value: { start: s0, end: e0, text: 'Zoë 👩‍💻', labels: ['PER'] } },
      { id: 'b', from_name: 'label', to_name: 'text', type: 'labels', value: { start: s1, end: e1, text: 'Café 🎉', labels: ['ORG'] } },
      { id: 'c', from_name: 'mood', to_name: 'text', type: 'choices', score: 0.3, value: { choices: ['calm'] } },
    ] }] }]));
    const runs: [string, string, string][] = [
      ['coco', join(ROOT, 'fixtures/sample/instances.json'), 'coco'],
      ['labelstudio', join(dir, 'ls.json'), 'ls'],
    ];
    for (const [from, input, name] of runs) {
      for (const to of ['annotto-predictions', 'annotto-annotations']) {
        const out = join(dir, `${name}-${to}.jsonlines`);
        const config = join(dir, `${name}-${to}.config.json`);
        const r = await cli(['convert', '--from', from, '--to', to, input, '-o', out, '--config-out', config, '--url-prefix', 'https://x.org/i/', '--diagnostics', 'json']);
        expect(r.code, r.stderr).toBe(0);
        const cfg = JSON.parse(readFileSync(config, 'utf8'));
        expect(server.config.validate(cfg).error?.message, `${name} ${to} config`).toBeUndefined();
        const kind = to === 'annotto-predictions' ? 'predictions' : 'annotations';
        expect(await serverRefused(parse(readFileSync(out, 'utf8')), kind, cfg), `${name} ${to}`).toEqual([]);
        expect(await refused(out, to, config), `${name} ${to}`).toEqual([]);
        // a proba of 0.3 is under the server's default filterPredictionsMinimum: said
        if (name === 'ls' && to === 'annotto-predictions') expect(jsonDiagnostics(r.stderr).map((d) => d.code)).toContain('ANNOTTO_SCORE_HIDDEN');
      }
    }
  }, 60_000);
});
