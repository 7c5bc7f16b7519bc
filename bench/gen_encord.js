#!/usr/bin/env node
// Generates an Encord registration manifest of N entries as JSON and the same media as sectioned
// CSV (what CSV can hold): 70% images, 20% videos, 8% image groups of 3 (half sequences), 2% DICOM
// series of 5; every fifth image has clientMetadata, every tenth video a videoMetadata block.
// usage: node bench/gen_encord.js --entries 1000000 --json out.json --csv out.csv
import { createWriteStream } from 'node:fs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const n = Number(arg('entries', '1000000'));
const counts = { images: Math.round(n * 0.7), videos: Math.round(n * 0.2), groups: Math.round(n * 0.08) };
counts.series = n - counts.images - counts.videos - counts.groups;
const base = 'https://annotation-media.s3.eu-west-1.amazonaws.com/project-7/';

function out(path) {
  const s = createWriteStream(path);
  let buf = '';
  return {
    async write(t) {
      buf += t;
      if (buf.length > 1 << 20) {
        if (!s.write(buf)) await new Promise((r) => s.once('drain', r));
        buf = '';
      }
    },
    async end() {
      s.write(buf);
      await new Promise((r) => s.end(r));
    },
  };
}

const json = out(arg('json', 'encord.json'));
const csv = out(arg('csv', 'encord.csv'));
await json.write('{\n"videos": [\n');
await csv.write('ObjectUrl,Video title\n');
for (let i = 0; i < counts.videos; i++) {
  const url = `${base}videos/drive-${i}.mp4`;
  const e = { objectUrl: url, title: `drive ${i}` };
  if (i % 10 === 0) e.videoMetadata = { fps: 30, duration: 61.2, width: 1920, height: 1080, file_size: 73400320, mime_type: 'video/mp4' };
  await json.write((i ? ',\n' : '') + JSON.stringify(e));
  await csv.write(`${url},drive ${i}\n`);
}
await json.write('\n],\n"images": [\n');
await csv.write('ObjectUrl,Image title\n');
for (let i = 0; i < counts.images; i++) {
  const url = `${base}images/${(i % 997).toString(16)}/frame_${String(i).padStart(8, '0')}.jpg`;
  const e = { objectUrl: url };
  if (i % 5 === 0) e.clientMetadata = { camera: `cam-${i % 7}`, split: i % 3 ? 'train' : 'val' };
  await json.write((i ? ',\n' : '') + JSON.stringify(e));
  await csv.write(`${url},\n`);
}
await json.write('\n],\n"image_groups": [\n');
await csv.write('ObjectUrl,Image group title,Create video\n');
for (let i = 0; i < counts.groups; i++) {
  const e = { title: `group ${i}`, createVideo: i % 2 === 1 };
  for (let k = 0; k < 3; k++) {
    const url = `${base}groups/${i}/view-${k}.png`;
    e[`objectUrl_${k}`] = url;
    await csv.write(`${url},group ${i},${i % 2 === 1}\n`);
  }
  await json.write((i ? ',\n' : '') + JSON.stringify(e));
}
await json.write('\n],\n"dicom_series": [\n');
await csv.write('ObjectUrl,Dicom title\n');
for (let i = 0; i < counts.series; i++) {
  const e = { title: `study ${i}` };
  for (let k = 0; k < 5; k++) {
    const url = `${base}dicom/${i}/IM${String(k).padStart(4, '0')}`;
    e[`objectUrl_${k}`] = url;
    await csv.write(`${url},study ${i}\n`);
  }
  await json.write((i ? ',\n' : '') + JSON.stringify(e));
}
await json.write('\n]\n}\n');
await json.end();
await csv.end();
console.error(`encord manifest: ${n} entries (${counts.images} images, ${counts.videos} videos, ${counts.groups} image groups of 3, ${counts.series} DICOM series of 5)`);
