#!/usr/bin/env node
// Prints the sha256 of `annoconv validate --from csv --diagnostics json` and of
// `convert --from csv --to annoconv` (output, stdout, stderr, exit code) over bench/gen_csv.js
// --rows 40000, the same rows interleaved across images, edge-case tables written here (quotes,
// bbox and coordinate cells, one-hot labels, bad rows, CRLF, BOM, percent), every CSV of
// fixtures/csv and of the shared corpus (when present): the reference of test/csv-digests.test.ts.
// usage: node test/helpers/csv-digests.mjs [BIN]   (BIN: bin/annoconv.js of the build to record)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const CORPUS = '/work/shared/corpus';

const EDGE = {
  'quoted.csv': 'file_name,class_name,xmin,ymin,xmax,ymax\n"a,1.jpg","big ""cat""",1,2,3,4\n"b.jpg",dog,1 ,2, 3,4\nc.jpg,"multi\nline",0,0,1,1\na,1.jpg,cat,1,2,3,4\n"d.jpg"x,cat,1,2,3,4\n"e.jpg,cat,1,2,3,4\nf.jpg,cat,1,2,3,4\n',
  'bbox.csv': 'image,label,bbox\na.jpg,cat,"[1, 2, 3, 4]"\na.jpg,dog,1 2 3 4\nb.jpg,cat,"(1;2;3)"\nb.jpg,cat,"1,2,x,4"\nc.jpg,cat,"4,4,1,1"\n',
  'coords.csv': 'file_name,class_name,coordinates\na.jpg,cat,1; 2; 3; 4; 5; 6\na.jpg,dog,1;2;3\nb.jpg,cat,1;2;3;4;5;x\nb.jpg,,1;2;3;4;5;6;7;8\n',
  'onehot.csv': 'filename,cat,dog,bird\na.jpg,1,0,0\nb.jpg,0,1,true\nc.jpg,0,0,0\nd.jpg,2,0,0\na.jpg,0,0,1\n',
  'classes.csv': 'path,labels,extra\na.jpg,cat;dog,x\nb.jpg, ;bird ,y\nc.jpg,,z\n\n,,\na.jpg,=cmd,w\nb.jpg,\'=x,v\n',
  'crlf.csv': '\ufefffile_name,class_name,x,y,w,h\r\na.jpg,cat,1,2,3,4\r\nb.jpg,cat,1,2,-3,4\r\nb.jpg,dog,1e1,.5,+3,4,,\r\nc.jpg,cat,0x10,2,3,4\r\n',
  'percent.csv': 'file_name,class_name,xmin,ymin,xmax,ymax\na.jpg,cat,0.1,0.2,0.3,0.4\n',
  'ragged.csv': 'file_name,class_name,xmin,ymin,xmax,ymax\na.jpg,cat,1,2,3,4,5\na.jpg,cat,1,2,3\na.jpg,cat,1,2,3,4,,\n',
  'noheader.csv': 'foo,bar\n1,2\n',
  'utf8.csv': Buffer.concat([Buffer.from('file_name,class_name,xmin,ymin,xmax,ymax\nä.jpg,ü,1,2,3,4\n'), Buffer.from([0x62, 0xff, 0x2c, 0x63, 0x2c, 0x31, 0x2c, 0x32, 0x2c, 0x33, 0x2c, 0x34, 0x0a])]),
};

function corpusFiles() {
  const out = [];
  const walk = (d) => {
    for (const n of readdirSync(d).sort()) {
      const p = d + '/' + n;
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.csv')) out.push(p);
    }
  };
  for (const d of [root + 'fixtures/csv', CORPUS]) if (existsSync(d)) walk(d);
  return out;
}

/** The inputs: [name, path, extra options]. */
function inputs(dir) {
  spawnSync(process.execPath, [root + 'bench/gen_csv.js', '--rows', '40000', '--out', dir + '/gen.csv']);
  const lines = readFileSync(dir + '/gen.csv', 'utf8').split('\n');
  const body = lines.slice(1).filter((l) => l !== '');
  // rows of an image apart: a deterministic interleave of 4 strides
  const inter = [0, 1, 2, 3].flatMap((k) => body.filter((_, i) => i % 4 === k));
  writeFileSync(dir + '/interleaved.csv', lines[0] + '\n' + inter.join('\n') + '\n');
  // generated inputs by their name in the cwd: diagnostics name the file as given
  const list = [['gen', 'gen.csv', []], ['interleaved', 'interleaved.csv', []]];
  for (const [n, text] of Object.entries(EDGE)) {
    writeFileSync(dir + '/' + n, text);
    list.push([n, n, []]);
  }
  list.push(['percent media', 'percent.csv', ['--coordinates', 'percent', '--media-root', '.']]);
  list.push(['bbox xywh', 'bbox.csv', ['--bbox', 'xywh']]);
  list.push(['columns', 'classes.csv', ['--columns', 'file=path,class=extra']]);
  for (const f of corpusFiles()) list.push([f.startsWith(CORPUS) ? 'corpus' + f.slice(CORPUS.length) : f.slice(root.length), f, []]);
  return list;
}

export function digests(bin) {
  const dir = mkdtempSync(tmpdir() + '/csv-digests-');
  const out = {};
  try {
    for (const [name, file, extra] of inputs(dir)) {
      // a fixture is named by its path, which holds the checkout's folder: written as <root>/
      const run = (args) => {
        const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
        return { stdout: r.stdout.replaceAll(root, '<root>/'), stderr: r.stderr.replaceAll(root, '<root>/'), status: r.status };
      };
      const v = run(['validate', file, '--from', 'csv', '--diagnostics', 'json', '--max-diagnostics', '0', ...extra]);
      out[`${name} validate`] = createHash('sha256').update(v.stdout + v.stderr + v.status).digest('hex');
      rmSync(dir + '/out.jsonl', { force: true });
      const c = run(['convert', file, '--from', 'csv', '--to', 'annoconv', '-o', 'out.jsonl', '--diagnostics', 'json', '--max-diagnostics', '0', ...extra]);
      const written = existsSync(dir + '/out.jsonl') ? readFileSync(dir + '/out.jsonl') : 'none';
      out[`${name} convert`] = createHash('sha256').update(written).update(c.stdout + c.stderr + c.status).digest('hex');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(digests(process.argv[2] ?? root + 'bin/annoconv.js'), null, 2));
