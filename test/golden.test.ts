/**
 * Golden tests: every fixtures/<format>/<case>/ holds an input, case.json (command, formats,
 * options, exit code), diagnostics.json (codes and places) and, for conversions, expected.out.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { convert, validate } from '../src/core/run.js';
import { MemorySink, openInput } from '../src/core/io.js';
import { AnnoconvError, type Diagnostic } from '../src/core/diagnostics.js';
import type { Options } from '../src/core/options.js';
import { ROOT, jsonLines, matchDiagnostics, type Expected } from './helpers/run.js';

interface CaseFile {
  description: string;
  command: 'validate' | 'convert';
  from: string;
  to?: string;
  exitCode: number;
  options?: Record<string, unknown>;
  /** How expected.out is compared: as JSON lines (default), one JSON document, or exact text. */
  compare?: 'jsonl' | 'json' | 'text';
}

const FIXTURES = join(ROOT, 'fixtures');
const GLOBAL_KEYS = new Set(['strict', 'maxRecordSize', 'onInvalid', 'keepCrowd', 'sets']);

function splitOptions(o: Record<string, unknown> = {}): Partial<Options> {
  const out: Partial<Options> = { format: {} };
  for (const [k, v] of Object.entries(o)) {
    if (GLOBAL_KEYS.has(k)) (out as Record<string, unknown>)[k] = v;
    else out.format![k] = v;
  }
  return out;
}

const formats = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'sample');

for (const fmt of formats) {
  describe(`fixtures/${fmt.name}`, () => {
    const dir = join(FIXTURES, fmt.name);
    for (const name of readdirSync(dir).sort()) {
      const caseDir = join(dir, name);
      if (!existsSync(join(caseDir, 'case.json'))) continue;
      const c = JSON.parse(readFileSync(join(caseDir, 'case.json'), 'utf8')) as CaseFile;
      it(`${name}: ${c.description}`, async () => {
        const inputName = readdirSync(caseDir).find((f) => f.startsWith('input'))!;
        const input = await openInput(join(caseDir, inputName));
        const diags: Diagnostic[] = [];
        const options = splitOptions(c.options);
        let exitCode: number;
        const sink = new MemorySink();
        try {
          if (c.command === 'convert') {
            const r = await convert({ input, from: c.from, to: c.to!, output: sink, options, onDiagnostic: (d) => diags.push(d) });
            exitCode = r.exitCode;
            expect(r.read).toBe(r.written + r.rejected);
          } else {
            const r = await validate({ input, from: c.from, options, onDiagnostic: (d) => diags.push(d) });
            exitCode = r.exitCode;
          }
        } catch (e) {
          if (!(e instanceof AnnoconvError)) throw e;
          diags.push(e.diagnostic);
          exitCode = e.exitCode;
        }
        const expected = JSON.parse(readFileSync(join(caseDir, 'diagnostics.json'), 'utf8')) as Expected[];
        expect(matchDiagnostics(diags, expected)).toEqual({ missing: [], extra: [] });
        expect(exitCode).toBe(c.exitCode);
        if (existsSync(join(caseDir, 'expected.out'))) {
          const want = readFileSync(join(caseDir, 'expected.out'), 'utf8');
          if (c.compare === 'text') expect(sink.text()).toBe(want);
          else if (c.compare === 'json') expect(JSON.parse(sink.text())).toEqual(JSON.parse(want));
          else expect(jsonLines(sink.text())).toEqual(jsonLines(want));
        }
      });
    }
  });
}
