#!/usr/bin/env node
// The bare loop annoconv's validator is measured against: read 1 MB chunks, split lines,
// JSON.parse each. Nothing else. Prints {records, wallMs, maxRssKB} as JSON.
import { createReadStream } from 'node:fs';

const t0 = performance.now();
let carry = '';
let records = 0;
for await (const chunk of createReadStream(process.argv[2], { highWaterMark: 1 << 20, encoding: 'utf8' })) {
  const parts = (carry + chunk).split('\n');
  carry = parts.pop();
  for (const p of parts) if (p) {
    JSON.parse(p);
    records++;
  }
}
if (carry) {
  JSON.parse(carry);
  records++;
}
console.log(JSON.stringify({ records, wallMs: performance.now() - t0, maxRssKB: process.resourceUsage().maxRSS }));
