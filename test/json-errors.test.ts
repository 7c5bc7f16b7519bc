/**
 * JSON syntax errors are described from the input, never with V8's message: its excerpt of the
 * text (`..."0SECRET": NaN}" is not valid JSON`) showed the end of a secret key, which masking did
 * not recognise. The place is our own too (V8 11 no longer gives a position for most errors).
 */
import { describe, expect, it, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, jsonDiagnostics, rng } from './helpers/run.js';
import { findJsonSyntaxError, jsonErrorMessage } from '../src/core/json-syntax.js';
import { bufferInput, validate } from '../src/index.js';
import type { Diagnostic } from '../src/core/diagnostics.js';
import { redact, registerSecret } from '../src/core/secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'annoconv-json-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

/** V8's position for the error, when its message gives one. */
function v8Position(text: string): number | undefined {
  try {
    JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    return m ? Number(m[1]) : undefined;
  }
  throw new Error('valid');
}

describe('finding the error in JSON text', () => {
  it('names and places each kind of error', () => {
    const cases: [string, number, RegExp][] = [
      ['{"a": NaN}', 6, /unexpected character "N" \(expected a value\)/],
      ['{"a":1,}', 7, /unexpected character "}" \(expected a key in double quotes\)/],
      ['[1,2', 4, /unexpected end of the text/],
      ['{"a" 1}', 5, /expected ":" after the key/],
      ['"abc', 4, /a string that never closes \(opened at character 1\)/],
      ['"a\\qb"', 3, /an escape JSON does not have/],
      ['"a\\u12"', 6, /\\u escape without four hex digits/],
      ['{"a":"b\nc"}', 7, /a control character/],
      ['01', 1, /more data after the end/],
      ['{} x', 3, /more data after the end/],
      ['', 0, /no JSON value/],
      ['[1 2]', 3, /expected "," or "\]"/],
      ['tru', 3, /unexpected end of the text/],
      ['f0lse', 1, /unexpected character "0" \(expected "false"\)/],
      ['{"a":-}', 6, /no digit after the minus sign/],
      ['1.e', 2, /no digit after the decimal point/],
      ['1e+', 3, /no digit in the exponent/],
      ['[}', 1, /unexpected character "}"/],
    ];
    for (const [text, index, problem] of cases) {
      expect(() => JSON.parse(text), text).toThrow();
      const e = findJsonSyntaxError(text);
      expect(e?.index, text).toBe(index);
      expect(e?.problem, text).toMatch(problem);
      const v8 = v8Position(text);
      if (v8 !== undefined) expect(index, `${text}: V8 says ${v8}`).toBe(v8);
    }
  });

  it('agrees with JSON.parse on 5,000 mutations of JSON records, at any depth', () => {
    const seeds = [
      '{"id":"a","kind":"image","url":"https://x/a.jpg","width":4,"height":3,"metadata":{"k":[1,2.5e3,-0.1,true,false,null]},"annotations":[{"kind":"box","x":0,"y":0,"w":1,"h":1,"label":"c\\u00e9\\n"}]}',
      '[{"data":{"image":"a.png"},"annotations":[{"result":[{"value":{"x":1,"y":2,"width":3,"height":4,"rectanglelabels":["a"]}}]}]}]',
      '[' .repeat(100_000) + ']'.repeat(100_000),
    ];
    const next = rng(7);
    const pieces = ['', ' ', ',', ':', '"', '\\', '{', '}', '[', ']', 'NaN', '1e', '-', '0', '01', 'tru', '\n', '\u0001', '\\u12', 'é'];
    let invalid = 0;
    for (let k = 0; k < 5000; k++) {
      const s = seeds[k % 2]!;
      const at = Math.floor(next() * s.length);
      const cut = Math.floor(next() * 3);
      const text = s.slice(0, at) + pieces[Math.floor(next() * pieces.length)] + s.slice(at + cut);
      let ok = true;
      try {
        JSON.parse(text);
      } catch {
        ok = false;
        invalid++;
      }
      const e = findJsonSyntaxError(text);
      expect(e === undefined, text).toBe(ok);
      if (!ok) {
        const v8 = v8Position(text);
        if (v8 !== undefined) expect(e!.index, text).toBe(v8);
      }
    }
    expect(invalid).toBeGreaterThan(2000);
    expect(findJsonSyntaxError(seeds[2]!)).toBeUndefined();
    expect(findJsonSyntaxError('['.repeat(100_000))?.problem).toMatch(/unexpected end/);
  });
});

const SECRET = 'q8Zk2Lw9Xv0Tn4Rb7Yc1Hs6Md3Pf5Gj';
const KEY_ID = 'AKIAJ3EXAMPLE9KEYID7';

/** Any 6 characters in a row of either key. */
function showsPartOf(text: string): string | undefined {
  for (const key of [SECRET, KEY_ID]) for (let i = 0; i + 6 <= key.length; i++) if (text.includes(key.slice(i, i + 6))) return key.slice(i, i + 6);
  return undefined;
}

describe('a --server-config secret right before (or at) a syntax error', () => {
  it('is not shown by any JSONL_INVALID_JSON message, in text or JSON diagnostics', async () => {
    const config = file('config.json', JSON.stringify({ s3: { accessKeyId: KEY_ID, secretAccessKey: SECRET } }));
    const lines = [
      `{"type":"text","uuid":"u1","data":{"text":"x"},"${SECRET}": NaN}`, // V8: ..."f5Gj": NaN}"
      `{"type":"text","uuid":"u2","data":{"text":"${SECRET}" NaN}}`,
      `{"type":"text","uuid":"u3","data":{"text":${SECRET}}}`,
      `{"type":"text","uuid":"u4","data":{"text":"abc\\q${SECRET}"}}`,
      `{"type":"text","uuid":"u5","data":{"text":"${SECRET}`,
      `{"type":"text","uuid":"u6","data":{"text":"${KEY_ID}${SECRET}"}}}`,
    ];
    const items = file('items.jsonlines', lines.join('\n') + '\n');
    for (const mode of ['text', 'json']) {
      const r = await cli(['validate', items, '--server-config', config, '--diagnostics', mode, '--max-diagnostics', '0']);
      expect(r.code).toBe(1);
      expect(showsPartOf(r.stderr), r.stderr).toBeUndefined();
      expect(r.stderr).not.toContain('is not valid JSON');
      if (mode === 'json') {
        const d = jsonDiagnostics(r.stderr).filter((x) => x.code === 'JSONL_INVALID_JSON');
        // each placed at its line and the column where it goes wrong
        expect(d.map((x) => [x.line, x.column])).toEqual(lines.map((l, i) => [i + 1, findJsonSyntaxError(l)!.index + 1]));
        expect(d[0]!.message).toBe('not valid JSON: unexpected character "N" (expected a value) near "NaN}"');
      }
    }
  }, 30_000);
});

describe('every JSON reader', () => {
  it('describes a syntax error without the engine\'s excerpt, quoting the input', async () => {
    const bad = '"x": NaN';
    const inputs: [string, string, string][] = [
      ['jsonl', `{"type":"text","uuid":"u","data":{"text":"a"},${bad}}\n`, 'JSONL_INVALID_JSON'],
      ['annoconv', `{"id":"a","kind":"text",${bad}}\n`, 'MODEL_INVALID_JSON'],
      ['ls-bulk', `{"task":1,${bad}}\n`, 'LSB_INVALID_JSON'],
      ['labelstudio', `[{"data":{"text":"a"},${bad}}]`, 'LS_INVALID_JSON'],
      ['labelstudio-min', `[{"text":"a",${bad}}]`, 'LS_INVALID_JSON'],
      ['coco', `{"images":[{"id":1,"file_name":"a.jpg","width":2,"height":2,${bad}}],"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[0,0,1,1],${bad}}],"categories":[{"id":1,"name":"c"}]}`, 'COCO_INVALID_JSON'],
      ['coco-results', `[{"image_id":1,"category_id":1,"bbox":[0,0,1,1],"score":0.5,${bad}}]`, 'COCO_INVALID_JSON'],
      ['encord-json', `{"videos":[{"objectUrl":"https://x/a.mp4",${bad}}]}`, 'ENCORD_INVALID_JSON'],
      ['remo-json', `[{"file_name":"a.jpg",${bad}}]`, 'REMO_INVALID_JSON'],
    ];
    for (const [from, text, code] of inputs) {
      const diags: Diagnostic[] = [];
      await validate({ input: bufferInput(text, `in.${from}`), from, onDiagnostic: (d) => diags.push(d) });
      const found = diags.filter((d) => d.code === code);
      expect(found.length, `${from}: ${JSON.stringify(diags)}`).toBeGreaterThan(0);
      for (const d of found) {
        expect(d.message, from).toMatch(/^not valid JSON: unexpected character "N" \(expected a value\)( at character \d+)? near "NaN[}\]]*"$/);
      }
    }
  });

  it('--task-map and --categories files too', async () => {
    const items = file('one.annoconv', '{"id":"1","kind":"image","path":"a.jpg","width":2,"height":2,"metadata":{},"annotations":[{"kind":"box","x":0,"y":0,"w":1,"h":1,"label":"c"}]}\n');
    const map = await cli(['convert', items, '--from', 'annoconv', '--to', 'ls-bulk', '--task-map', file('map.json', '{"1": NaN}'), '--diagnostics', 'json']);
    const cats = await cli(['convert', items, '--from', 'annoconv', '--to', 'coco', '--categories', file('cats.json', '["c", NaN]'), '--diagnostics', 'json']);
    for (const r of [map, cats]) {
      expect(r.code).toBe(2);
      const [d] = jsonDiagnostics(r.stderr);
      expect(d!.code).toBe('OPTION_INVALID');
      expect(d!.message).toMatch(/: not valid JSON: unexpected character "N" \(expected a value\) at character \d+ near "NaN[}\]]"; see "annoconv convert --help"$/);
    }
    expect(jsonErrorMessage('{"1": NaN}')).toBe('not valid JSON: unexpected character "N" (expected a value) at character 7 near "NaN}"');
  }, 30_000);
});

describe('masking a secret cut at its start', () => {
  it('masks its last 8 or more characters, as it already masked its first', () => {
    const secret = 'Zz9Yy8Xx7Ww6Vv5Uu4Tt3';
    registerSecret(secret);
    expect(redact(`Unexpected token 'N', ..."Vv5Uu4Tt3": NaN}" is not valid JSON`)).toBe(`Unexpected token 'N', ..."[redacted]": NaN}" is not valid JSON`);
    expect(redact('..."Uu4Tt3": 1')).toBe('..."Uu4Tt3": 1'); // 6 characters: not recognisable, hence no excerpts
    expect(redact(`a ${secret.slice(0, 10)}… b ${secret.slice(-12)} c ${secret}`)).toBe('a [redacted]… b [redacted] c [redacted]');
  });
});
