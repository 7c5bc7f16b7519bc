#!/usr/bin/env node
// The peer of CSV validation: csv-parse's bare parse of a file (streamed, 64 KiB reads, records
// counted, nothing else; rows may differ in length, as Encord CSV sections do). Prints {records, wallMs, maxRssKB} as JSON.
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

const t0 = performance.now();
let records = 0;
for await (const _ of createReadStream(process.argv[2], { highWaterMark: 1 << 16 }).pipe(parse({ relax_column_count: true }))) records++;
console.log(JSON.stringify({ records, wallMs: performance.now() - t0, maxRssKB: process.resourceUsage().maxRSS }));
