#!/usr/bin/env node
// Prints the sha256 of `annoconv validate --diagnostics json` over bench/gen_items.js --mb 8 and an
// edge-case file of media URLs and metadata keys, in four modes (default, --strict, a server
// config with S3 credentials, one without): the reference of test/jsonl-digests.test.ts.
// usage: node test/helpers/jsonl-digests.mjs [BIN]   (BIN: bin/annoconv.js of the build to record)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const EDGE = [
  'https://localhost/x.s3.y.amazonaws.com/k', 'https://localhost/foo.jpg', 'https://b.s3-reg/x.amazonaws.com/k', 'https://b.s3-reg/foo.jpg',
  'https://s3-eu-west-1.amazonaws.com/bucket/k/a.jpg', 'https://s3-eu-west-1.amazonaws.com/bucket', 'https://bk.s3.eu-west-1.amazonaws.com/a/b.jpg',
  'https://bk.s3.eu-west-1.amazonaws.com/c.jpg', 'https://minio:9000/bk/a.jpg', 'https://minio:9000/bk', 'https://x.amazonaws.com/bk/a.jpg',
  'https://x.amazonaws.com.evil/bk/a.jpg', 'https://bk.s3-eu.amazonaws.com.amazonaws.com/a', 'http://bk.s3.r.amazonaws.com/x', 'https://bk.s3.r.amazonaws.com//x',
  'https://s3-r.amazonaws.com/b/', 'https://cdn.example.com/a/b/c.jpg', 'https://cdn.example.com/a', 'https://a.b/amazonaws.com/x',
];
const METADATA = [{ 'a.b': 1, $x: { __proto__: 2 } }, { deep: [[[[{ $id: 1 }]]]] }, { $ref: 1, _y: { 'z\u0000': 1 } }, { ok: { fine: [1, { $db: 2 }] } }];

export function digests(bin) {
  const dir = mkdtempSync(tmpdir() + '/jsonl-digests-');
  spawnSync(process.execPath, [root + 'bench/gen_items.js', '--mb', '8', '--out', dir + '/items.jsonlines']);
  const edge = EDGE.map((url, i) => JSON.stringify({ uuid: 'u' + i, datatype: 'image', data: { url }, ...(i < METADATA.length ? { metadata: METADATA[i] } : {}) }));
  writeFileSync(dir + '/edge.jsonlines', edge.join('\n') + '\n');
  writeFileSync(dir + '/s3.json', '{"s3":{"accessKeyId":"AKIAIOSFODNN7EXAMPLE","secretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","region":"eu-west-1"}}');
  writeFileSync(dir + '/plain.json', '{"port":1}');
  const out = {};
  for (const f of ['items', 'edge']) {
    for (const [mode, extra] of [['default', []], ['strict', ['--strict']], ['s3', ['--server-config', 's3.json']], ['plain', ['--server-config', 'plain.json']]]) {
      const r = spawnSync(process.execPath, [bin, 'validate', f + '.jsonlines', '--diagnostics', 'json', '--max-diagnostics', '0', ...extra], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
      out[`${f} ${mode}`] = createHash('sha256').update(r.stdout + r.stderr + r.status).digest('hex');
    }
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(digests(process.argv[2] ?? root + 'bin/annoconv.js'), null, 2));
