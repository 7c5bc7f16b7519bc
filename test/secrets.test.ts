/** S3 keys of a server config (FORMATS.md §1.4) never appear in diagnostics, summaries or logs. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, jsonDiagnostics } from './helpers/run.js';
import { fragment } from '../src/core/diagnostics.js';

const KEY_ID = 'AKIAQ7EXAMPLEKEYID42';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCY0SECRET';
const dir = mkdtempSync(join(tmpdir(), 'annoconv-secrets-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

// items that put the secrets where messages quote values: a duplicate uuid, a string metadata,
// a URL query, a non-http URL, a broken line and a key name
const ITEMS = file(
  'items.jsonlines',
  [
    `{"type":"image","uuid":"${KEY_ID}","data":{"url":"https://cdn.example.com/a.jpg?X-Amz-Credential=${KEY_ID}&sig=${SECRET}"}}`,
    `{"type":"image","uuid":"${KEY_ID}","data":{"url":"s3://bucket/${SECRET}"}}`,
    `{"type":"image","uuid":"u3","data":{"url":"https://b.s3.eu-west-1.amazonaws.com/k.jpg"},"metadata":"${SECRET}"}`,
    `{"type":"image","uuid":"u4","data":{"url":"https://b.s3.eu-west-1.amazonaws.com/${SECRET}"},"${SECRET}":1}`,
    `{"${SECRET}": 1`,
    // quoted by a message that cuts values at 40 characters: only a part of the secret would show
    `{"type":"image","uuid":"u6","data":{"url":"https://b.s3.eu-west-1.amazonaws.com/k.jpg"},"metadata":"signature=${SECRET}"}`,
  ].join('\n') + '\n',
);

const CONFIGS: Record<string, string> = {
  good: JSON.stringify({ s3: { accessKeyId: KEY_ID, secretAccessKey: SECRET, region: 'eu-west-1' } }),
  // the seed's snippet: comments and no closing brace
  commented: `{"s3": {\n  // the key\n  "accessKeyId": "${KEY_ID}",\n  "secretAccessKey": "${SECRET}"\n}\n`,
  wrongTypes: JSON.stringify({ s3: { accessKeyId: KEY_ID, secretAccessKey: SECRET, region: 7, [SECRET]: SECRET } }),
  trailingGarbage: `{"s3": {"accessKeyId": "${KEY_ID}", "secretAccessKey": "${SECRET}"}} ${SECRET}`,
};

/** The keys in any form a message could carry them: as is, JSON-escaped, pointer-escaped (and in a pointer's URI fragment form), URL-encoded. */
function leaks(text: string): boolean {
  const segment = (v: string): string => v.replace(/~/g, '~0').replace(/\//g, '~1');
  const forms = (v: string): string[] => [v, JSON.stringify(v).slice(1, -1), segment(v), fragment('/' + segment(v)).slice(2), encodeURIComponent(v)];
  // and any 12 characters of the secret's start, as a message that cut it short would show them
  return [...forms(KEY_ID), ...forms(SECRET), SECRET.slice(0, 12)].some((f) => text.includes(f));
}

describe('secrets from --server-config', () => {
  for (const [name, text] of Object.entries(CONFIGS)) {
    const config = file(`config-${name}.json`, text);
    for (const mode of ['text', 'json']) {
      it(`${name} config, ${mode} diagnostics: validate and convert never print the keys`, async () => {
        const v = await cli(['validate', ITEMS, '--server-config', config, '--diagnostics', mode]);
        const out = join(dir, `out-${name}-${mode}.annoconv`);
        const c = await cli(['convert', ITEMS, '--to', 'annoconv', '-o', out, '--server-config', config, '--diagnostics', mode, '--rejects', join(dir, `rej-${name}-${mode}`)]);
        for (const r of [v, c]) {
          expect(r.code).toBe(1);
          expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
          expect(leaks(r.stdout + r.stderr), r.stderr).toBe(false);
          expect(r.stderr).toContain('[redacted]');
        }
        // the data itself is not altered: the output and the rejects keep the values
        expect(readFileSync(out, 'utf8')).toContain(SECRET);
        if (mode === 'json') {
          const codes = jsonDiagnostics(v.stderr).map((d) => `${d.code}@${d.line ?? ''}${d.pointer ?? ''}`);
          expect(codes).toContain('JSONL_UUID_DUPLICATE@2#/uuid');
          expect(codes).toContain('JSONL_METADATA_NOT_OBJECT@3#/metadata');
          expect(codes).toContain('JSONL_INVALID_JSON@5');
        }
      });
    }
  }

  it('reports each config problem with a code and a place', async () => {
    const codes = async (name: string): Promise<string[]> => {
      const r = await cli(['validate', ITEMS, '--server-config', join(dir, `config-${name}.json`), '--diagnostics', 'json']);
      return jsonDiagnostics(r.stderr)
        .filter((d) => d.code.startsWith('CONFIG_') || d.code === 'JSONL_URL_PRESIGNED_NOT_S3')
        .map((d) => `${d.code}@${d.line ?? ''}:${d.column ?? ''}${d.pointer ?? ''}`);
    };
    // good: credentials present, so the one https URL that is not S3 (line 1) is warned
    expect(await codes('good')).toEqual(['JSONL_URL_PRESIGNED_NOT_S3@1:#/data/url']);
    expect(await codes('commented')).toEqual(['CONFIG_INVALID_JSON@2:3']);
    expect(await codes('wrongTypes')).toEqual(['CONFIG_S3_INVALID@:#/s3/region', 'CONFIG_S3_UNKNOWN_KEY@:#/s3/[redacted]']);
    expect(await codes('trailingGarbage')).toEqual([`CONFIG_INVALID_JSON@1:${CONFIGS.trailingGarbage!.lastIndexOf(SECRET) + 1}`]);
    const missing = await cli(['validate', ITEMS, '--server-config', join(dir, 'none.json'), '--diagnostics', 'json']);
    expect(missing.code).toBe(2); // a usage error: the option names a file that is not there
    expect(jsonDiagnostics(missing.stderr).map((d) => d.code)).toEqual(['CONFIG_NOT_FOUND']);
    const noKey = file('config-nokey.json', JSON.stringify({ s3: { accessKeyId: '', region: 'x' } }));
    const r = await cli(['validate', ITEMS, '--server-config', noKey, '--diagnostics', 'json']);
    expect(jsonDiagnostics(r.stderr).filter((d) => d.code === 'CONFIG_S3_INVALID').map((d) => d.pointer)).toEqual(['#/s3/accessKeyId', '#/s3/secretAccessKey']);
  });
});
