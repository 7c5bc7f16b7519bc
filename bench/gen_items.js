#!/usr/bin/env node
// Deterministic synthetic items.jsonlines generator (streaming): a mix of text items with metadata
// and image items with S3 URLs, about 330 bytes a line.
// usage: node bench/gen_items.js --mb 1100 --out FILE
import { createWriteStream } from 'node:fs';

const args = process.argv.slice(2);
const get = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const targetBytes = Number(get('--mb', '1100')) * 1e6;
const out = get('--out');
if (!out) {
  console.error('--out FILE required');
  process.exit(2);
}

let s = 12345;
const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
const hex = (n) => {
  let r = '';
  for (let i = 0; i < n; i++) r += '0123456789abcdef'[(rnd() * 16) | 0];
  return r;
};
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
const WORDS = 'bonjour compteur linky client souhaite heures creuses pleine facture relevé merci réponse demande contrat'.split(' ');
const sentence = (n) => Array.from({ length: n }, () => WORDS[(rnd() * WORDS.length) | 0]).join(' ');

const ws = createWriteStream(out);
let written = 0;
let lines = 0;
function writeSome() {
  let ok = true;
  while (ok && written < targetBytes) {
    let chunk = '';
    for (let i = 0; i < 2000; i++) {
      const line =
        rnd() < 0.5
          ? JSON.stringify({ datatype: 'text', uuid: uuid(), data: { text: sentence(18 + ((rnd() * 12) | 0)) }, metadata: { source: 'chat', conversation: hex(10), n: (rnd() * 1e6) | 0, tags: ['a', 'b'] } })
          : JSON.stringify({ uuid: uuid(), datatype: 'image', data: { url: `https://my-bucket.s3.eu-west-1.amazonaws.com/imgs/${hex(16)}.jpg` }, metadata: { camera: 'cam-' + ((rnd() * 40) | 0), w: 1920, h: 1080, site: sentence(3) } });
      chunk += line + '\n';
      lines++;
    }
    written += Buffer.byteLength(chunk);
    ok = ws.write(chunk);
  }
  if (written < targetBytes) ws.once('drain', writeSome);
  else ws.end(() => console.error(`wrote ${lines} items, ${(written / 1e6).toFixed(1)} MB to ${out}`));
}
writeSome();
