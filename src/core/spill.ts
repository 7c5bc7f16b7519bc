/**
 * Temporary spill files for readers and writers that must reorder more data than memory should
 * hold (COCO's annotations joined to their images). One temp folder per run, registered for
 * removal on exit, error and signals; appends are buffered and written synchronously in large
 * blocks.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { openInput } from './io.js';
import { splitLines } from './lines.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerTemp, unregisterTemp } from './cleanup.js';

const FLUSH_AT = 64 * 1024;

export class SpillFile {
  private fd: number | undefined;
  private parts: string[] = [];
  private size = 0;
  /** Lines appended so far. */
  count = 0;

  constructor(readonly path: string) {}

  /** Append one line (without its newline; it must not contain one). */
  append(line: string): void {
    this.parts.push(line);
    this.size += line.length + 1;
    this.count++;
    if (this.size >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    this.fd ??= openSync(this.path, 'a');
    writeSync(this.fd, this.parts.join('\n') + '\n');
    this.parts = [];
    this.size = 0;
  }

  /** Everything appended, as lines (the file is read whole: callers keep spill files small). */
  lines(): string[] {
    this.close();
    if (this.count === 0) return [];
    const text = readFileSync(this.path, 'utf8');
    const lines = text.split('\n');
    lines.pop();
    return lines;
  }

  /** Everything appended, line by line, streamed (for spill files too large to read whole). */
  async *stream(): AsyncGenerator<string> {
    this.close();
    if (this.count === 0) return;
    const input = await openInput(this.path);
    for await (const batch of splitLines(input.chunks(), Number.MAX_SAFE_INTEGER)) {
      for (const l of batch.lines) if (l.length > 0) yield l;
    }
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export class SpillDir {
  readonly path: string;
  private files: SpillFile[] = [];

  constructor(prefix = 'annoconv-') {
    this.path = mkdtempSync(join(tmpdir(), prefix));
    registerTemp(this.path);
  }

  file(name: string): SpillFile {
    const f = new SpillFile(join(this.path, name));
    this.files.push(f);
    return f;
  }

  /** Close and remove everything. */
  remove(): void {
    for (const f of this.files) {
      try {
        f.close();
      } catch {
        // already closed or never opened
      }
    }
    rmSync(this.path, { recursive: true, force: true });
    unregisterTemp(this.path);
  }
}

/** Raw JSON text made safe for one line: a raw newline can only be whitespace between tokens. */
export function oneLine(raw: string): string {
  return raw.indexOf('\n') < 0 && raw.indexOf('\r') < 0 ? raw : raw.replace(/[\r\n]/g, ' ');
}
