#!/usr/bin/env node
// The floor annoconv's COCO reader is measured against: one parse-and-print pass on one thread,
// no join. Reads the file in 1 MiB chunks, finds every element of the top-level arrays with a
// plain boundary scanner (strings skipped with indexOf, nesting counted), JSON.parse's every
// element, JSON.stringify's it and writes it as a line (output gathered into ~1 MiB writes).
// Top-level values that are not arrays (info) are parsed and printed the same way.
// usage: node bench/floor-coco.js INPUT.json OUTPUT
// prints {wallMs, maxRssKB, elements}
import { openSync, readSync, writeSync, closeSync } from 'node:fs';

const t0 = performance.now();
const [input, output] = process.argv.slice(2);
const fd = openSync(input, 'r');
const out = openSync(output, 'w');
const CHUNK = 1 << 20;

let pending = [];
let pendingBytes = 0;
let elements = 0;
function emit(bytes) {
  const s = JSON.stringify(JSON.parse(bytes.toString('utf8'))) + '\n';
  pending.push(s);
  pendingBytes += s.length;
  elements++;
  if (pendingBytes >= CHUNK) flush();
}
function flush() {
  if (pending.length) writeSync(out, pending.join(''));
  pending = [];
  pendingBytes = 0;
}

// scanner state: level 0 = before/after root, 1 = in root object, 2 = in a top-level array
let buf = Buffer.alloc(0);
let pos = 0; // next byte to look at in buf
let start = -1; // start of the element in progress (in buf), -1 when none
let depth = 0; // nesting inside the element in progress
let level = 0;
let inString = false;
let expectKey = false;

function scan() {
  const n = buf.length;
  let i = pos;
  while (i < n) {
    if (inString) {
      const q = buf.indexOf(34, i);
      if (q < 0) {
        i = n;
        break;
      }
      let b = q - 1;
      while (buf[b] === 92) b--;
      i = q + 1;
      if ((q - 1 - b) % 2 === 0) {
        inString = false;
        if (start >= 0 && depth === 0) {
          emit(buf.subarray(start, i));
          start = -1;
        }
      }
      continue;
    }
    const c = buf[i];
    if (start >= 0) {
      // inside an element: only quotes and brackets matter
      if (c === 34) inString = true;
      else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        if (--depth === 0) {
          emit(buf.subarray(start, i + 1));
          start = -1;
        } else if (depth < 0) {
          // a scalar element ended by the array's close
          emit(buf.subarray(start, i));
          start = -1;
          depth = 0;
          level = 1;
        }
      } else if (depth === 0 && c === 44) {
        emit(buf.subarray(start, i));
        start = -1;
      }
      i++;
      continue;
    }
    if (c === 32 || c === 10 || c === 13 || c === 9 || c === 44 || c === 58) {
      i++;
      continue;
    }
    if (level === 0) {
      if (c === 123) level = 1;
      expectKey = true;
      i++;
    } else if (level === 1) {
      if (c === 34 && expectKey) {
        // a key: skip it
        const q = buf.indexOf(34, i + 1);
        if (q < 0) break;
        i = q + 1;
        expectKey = false;
      } else if (c === 91) {
        level = 2;
        i++;
      } else if (c === 125) {
        level = 0;
        i++;
      } else {
        start = i;
        depth = 0;
        if (c === 123 || c === 91) depth = 1;
        else if (c === 34) inString = true;
        i++;
        expectKey = true;
      }
    } else {
      if (c === 93) {
        level = 1;
        expectKey = true;
        i++;
      } else {
        start = i;
        depth = c === 123 || c === 91 ? 1 : 0;
        if (c === 34) inString = true;
        i++;
      }
    }
  }
  pos = i;
}

for (;;) {
  const chunk = Buffer.allocUnsafe(CHUNK);
  const got = readSync(fd, chunk, 0, CHUNK, null);
  if (got === 0) break;
  const keep = start >= 0 ? start : pos;
  buf = keep < buf.length ? Buffer.concat([buf.subarray(keep), chunk.subarray(0, got)]) : chunk.subarray(0, got);
  if (start >= 0) start -= keep;
  pos -= keep;
  scan();
}
flush();
closeSync(fd);
closeSync(out);
console.log(JSON.stringify({ wallMs: performance.now() - t0, maxRssKB: process.resourceUsage().maxRSS, elements }));
