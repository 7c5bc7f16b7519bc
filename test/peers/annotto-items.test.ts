/**
 * Peer check: an items.jsonlines upload as the Annotto server takes it, against `annoconv validate`.
 *
 * The server's side, run here: its line splitter (src/core/file-upload/ndjson.ts on split2 3.2.2,
 * fed by a file read stream as its upload handler does), its Joi item schema for the project's
 * type (validateItem), and the insert: the stored document built as its transformLineToItem
 * builds it, serialized by bson 1.1.6 (the version its mongodb 3.7 driver uses) with `checkKeys`
 * (the driver's insert default: `$` and `.` keys refused) and the driver's 16 MiB document limit.
 * The upload fails at the first failing line, so the comparison is per file: each demo project's
 * items file as it is and with one mutation; the server's upload fails exactly when annoconv
 * reports an error. Skipped when ../peers/annotto is absent.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ROOT } from '../helpers/run.js';
import { validate } from '../../src/core/run.js';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { ANNOTTO, annottoPresent, loadServer, type Server } from './annotto-server.js';
import { skipping } from './peers.js';

const present = annottoPresent();
if (!present) skipping('Annotto server (items upload)', 'no ../peers/annotto: see test/peers/README.md');
const work = mkdtempSync(join(tmpdir(), 'annoconv-peer-annotto-items-'));
let server: Server | undefined;
afterAll(() => {
  server?.dispose();
  rmSync(work, { recursive: true, force: true });
});

const BSON = createRequire(join(ROOT, 'package.json'))('bson') as new () => { serialize(d: object, o: { checkKeys: boolean }): Buffer; calculateObjectSize(d: object): number };
const bson = new BSON();
const MAX_BSON = 16 * 1024 * 1024;
const DEMO = join(ANNOTTO, 'statics/demo');

/** The document the server inserts for a line (its transformLineToItem, new item). */
function stored(line: Record<string, any>): object {
  const body = line.data?.text ? line.data.text : line.data?.body || '';
  const now = new Date();
  return {
    raw: line, predictions: {}, highlights: [], project: 'p'.repeat(24), uuid: line.uuid, compositeUuid: `${'p'.repeat(24)}_${line.uuid}`,
    data: line.data, type: line.type || line.datatype, body, tags: (line.tags ? line.tags : line.markers) || [], metadata: line.metadata || {},
    description: line.description || '', status: 'todo', annotated: false, annotatedBy: [], annotationValues: [], entitiesRelations: [],
    updatedAt: now, createdAt: now, annotationTimes: [], commentCount: 0, logCount: 0, sourceHighlights: [],
  };
}

/** The server's upload of a file into a project of this type: undefined when it succeeds, else why it fails. */
async function serverUpload(file: string, projectType: string): Promise<string | undefined> {
  const items: Record<string, any>[] = [];
  try {
    await pipeline(createReadStream(file), server!.ndjson(), async (source: AsyncIterable<Record<string, any>>) => {
      for await (const item of source) items.push(item);
    });
  } catch (e) {
    return `splitter: ${(e as Error).message}`;
  }
  for (const [i, item] of items.entries()) {
    const error = server!.items[projectType]!.validate(item).error;
    if (error) return `line ${i + 1}: Joi: ${error.message}`;
  }
  for (const [i, item] of items.entries()) {
    try {
      const doc = stored(item);
      // the driver refuses a document over the limit before it serializes it
      if (bson.calculateObjectSize(doc) > MAX_BSON) return `line ${i + 1}: insert: document over 16 MiB`;
      bson.serialize(doc, { checkKeys: true });
    } catch (e) {
      return `line ${i + 1}: insert: ${(e as Error).message}`;
    }
  }
  return undefined;
}

/** annoconv's verdict (the library's validate, as `annoconv validate --project-type T`): the error codes it reports (empty: it would upload). */
async function ours(file: string, projectType: string): Promise<string[]> {
  const diags: Diagnostic[] = [];
  await validate({ input: file, from: 'jsonl', options: { format: { projectType } }, onDiagnostic: (d) => diags.push(d) });
  return [...new Set(diags.filter((d) => d.severity === 'error').map((d) => `${d.code}@${d.line ?? '-'}`))];
}

type Lines = string[];
const set = (f: (l: Record<string, any>) => void) => (lines: Lines): Lines => {
  const l = JSON.parse(lines[1]!);
  f(l);
  return [lines[0]!, JSON.stringify(l), ...lines.slice(2)];
};
const field = (l: Record<string, any>): string => Object.keys(l.data).find((k) => ['text', 'url', 'html'].includes(k))!;

/** One mutation a file; each either breaks one of the server's rules or is one it accepts. */
const MUTATIONS: [string, (lines: Lines, type: string) => Lines][] = [
  ['as it is', (lines) => lines],
  ['blank line before more items', (lines) => [lines[0]!, '', ...lines.slice(1)]],
  ['blank lines at the end', (lines) => [...lines, '', '']],
  ['whitespace-only line', (lines) => [lines[0]!, '   ', ...lines.slice(1)]],
  ['byte order mark', (lines) => ['\ufeff' + lines[0]!, ...lines.slice(1)]],
  ['null line before more items', (lines) => [lines[0]!, 'null', ...lines.slice(1)]],
  ['null line last', (lines) => [...lines, 'null']],
  ['broken JSON', (lines) => [lines[0]!, lines[1]!.slice(0, -1), ...lines.slice(2)]],
  ['empty data string', set((l) => (l.data[field(l)] = ''))],
  ['empty tag', set((l) => (l.tags = ['a', '']))],
  ['tags as strings', set((l) => (l.tags = ['a', 'b']))],
  ['annotated null', set((l) => (l.annotated = null))],
  ['annotated "true"', set((l) => (l.annotated = 'true'))],
  ['annotated "yes"', set((l) => (l.annotated = 'yes'))],
  ['highlights null', set((l) => (l.highlights = null))],
  ['sourceHighlights null', set((l) => (l.sourceHighlights = null))],
  ['date "yesterday"', set((l) => (l.annotatedAt = 'yesterday'))],
  ['date as epoch milliseconds', set((l) => (l.createdAt = 1650000000000))],
  ['date as a numeric string', set((l) => (l.seenAt = '1650000000000'))],
  ['date ISO', set((l) => (l.seenAt = '2022-04-15T10:00:00Z'))],
  ['any-typed fields hold anything', set((l) => Object.assign(l, { description: { a: [1] }, velocity: 'fast', lastAnnotator: 3, annotatedBy: null, entitiesRelations: 'x', predictions: [null] }))],
  ['unknown top-level key', set((l) => (l.extra = 1))],
  ['no uuid', set((l) => delete l.uuid)],
  ['uuid a number', set((l) => (l.uuid = 7))],
  ['metadata a string', set((l) => (l.metadata = 'm'))],
  ['metadata null', set((l) => (l.metadata = null))],
  ['both type and datatype', set((l) => (l.type = l.datatype ?? l.type, l.datatype = l.type))],
  ['another item type', (lines, type) => set((l) => { delete l.type; l.datatype = type === 'text' ? 'image' : 'text'; })(lines)],
  ['metadata key with a dot', set((l) => (l.metadata = { 'file.name': 'a.jpg' }))],
  ['metadata key starting with $', set((l) => (l.metadata = { $where: 1 }))],
  ['nested key starting with $', set((l) => (l.description = { deep: [{ $gt: 'x' }] }))],
  ['nested $ref key (a DBRef key, which the driver lets through)', set((l) => (l.description = { deep: [{ $ref: 'x' }] }))],
  ['data key with a dot', set((l) => (l.data['x.y'] = 1))],
  ['text of 6 MB (stored three times)', (lines, type) => (type === 'text' ? set((l) => (l.data.text = 'a'.repeat(6_000_000)))(lines) : lines)],
  ['text of 5 MB', (lines, type) => (type === 'text' ? set((l) => (l.data.text = 'a'.repeat(5_000_000)))(lines) : lines)],
];

describe.skipIf(!present)('an items upload as the Annotto server takes it', () => {
  const demos = present ? readdirSync(DEMO).filter((d) => existsSync(join(DEMO, d, 'items.jsonlines')) && existsSync(join(DEMO, d, 'config.json'))) : [];

  it("the demo projects' items, as they are and with one mutation each: the upload fails exactly when annoconv reports an error", async () => {
    server ??= loadServer();
    let compared = 0;
    const failedBoth = new Set<string>();
    const passedBoth = new Set<string>();
    for (const d of demos) {
      const type = JSON.parse(readFileSync(join(DEMO, d, 'config.json'), 'utf8')).type as string;
      const original = readFileSync(join(DEMO, d, 'items.jsonlines'), 'utf8').split('\n').filter((l) => l.trim());
      // the 100k-item demo and files of fewer than 3 items as they are only
      for (const [name, mutate] of d.includes('100k') || original.length < 3 ? MUTATIONS.slice(0, 1) : MUTATIONS) {
        const path = join(work, `${d}.jsonlines`);
        writeFileSync(path, mutate(original, type).join('\n') + '\n');
        const theirs = await serverUpload(path, type);
        const codes = await ours(path, type);
        expect(codes.length > 0, `${d}: ${name}: server ${theirs ?? 'uploads it'}; annoconv ${codes.join(', ') || 'no error'}`).toBe(theirs !== undefined);
        (theirs ? failedBoth : passedBoth).add(name);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(200);
    // the mutations meant to break a rule broke it for the server too, and the accepted ones stayed accepted
    for (const name of ['blank line before more items', 'whitespace-only line', 'byte order mark', 'null line before more items', 'empty data string', 'empty tag', 'annotated null', 'highlights null', 'date "yesterday"', 'unknown top-level key', 'another item type', 'metadata key with a dot', 'metadata key starting with $', 'nested key starting with $', 'text of 6 MB (stored three times)']) expect(failedBoth, name).toContain(name);
    for (const name of ['as it is', 'blank lines at the end', 'null line last', 'annotated "true"', 'date as epoch milliseconds', 'date as a numeric string', 'any-typed fields hold anything', 'metadata null', 'text of 5 MB']) expect(passedBoth, name).toContain(name);
  }, 600_000);
});
