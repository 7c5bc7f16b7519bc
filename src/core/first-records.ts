/**
 * A wrong `--from` gives one message, not a flood. The diagnostics of a run's first records are held
 * until their fate is known: when the first FIRST_RECORDS records (or all, if fewer) were all
 * refused for their shape (a shape error for each: not JSON, not an object, required keys missing;
 * see `CodeInfo.shape`), or nothing could be read at all, detection looks at the start of the input, and if another format matches, one
 * INPUT_FORMAT_MISMATCH names it and the run stops. A file annoconv recognises but does not read
 * (COCO panoptic...) stops the run with INPUT_FORMAT_UNSUPPORTED, whatever its records did.
 * Otherwise the held diagnostics go out in order, and the rest of the run is not held.
 */
import { CODES } from './codes.js';
import { AnnoconvError, diag, type Diagnostic, type DiagnosticSink } from './diagnostics.js';
import { detectSample, sampleFrom, SAMPLE_BYTES, unsupportedError, unsupportedOf } from './detect.js';
import type { FormatDescriptor } from './format.js';
import type { InputSource } from './io.js';

/** Records whose fate decides. */
export const FIRST_RECORDS = 20;
/** Diagnostics held at most before deciding on what came so far. */
const MAX_HELD = 1000;
/** Detection confidence that names another format. */
const MIN_CONFIDENCE = 0.6;

/** The input, keeping a copy of its first SAMPLE_BYTES as they are read (for detection later). */
export interface RecordedInput {
  input: InputSource;
  /** The bytes read so far (up to SAMPLE_BYTES) and whether they are the whole input. */
  head(): { bytes: Buffer; complete: boolean };
}

/** Wraps an input so that its first bytes can be looked at after reading has begun. */
export function recordHead(source: InputSource): RecordedInput {
  const parts: Buffer[] = [];
  let length = 0;
  let ended = false;
  // a reader may look at the start and stop there (a JSON document that is not one): what it peeked counts
  let peeked: Buffer | undefined;
  let peekedAll = false;
  const input: InputSource = {
    get name() { return source.name; },
    get path() { return source.path; },
    get size() { return source.size; },
    get directory() { return source.directory; },
    get bytesRead() { return source.bytesRead; },
    get problems() { return source.problems; },
    get newline() { return source.newline; },
    ...(source.locate ? { locate: (offset: number) => source.locate!(offset) } : {}),
    async peek(bytes) {
      const b = await source.peek(bytes);
      if (!peeked || b.length > peeked.length) [peeked, peekedAll] = [b.subarray(0, SAMPLE_BYTES), b.length < bytes];
      return b;
    },
    async *chunks() {
      for await (const c of source.chunks()) {
        if (length < SAMPLE_BYTES) {
          parts.push(c.subarray(0, SAMPLE_BYTES - length));
          length += Math.min(c.length, SAMPLE_BYTES - length);
        }
        yield c;
      }
      ended = true;
    },
  };
  const head = (): { bytes: Buffer; complete: boolean } => {
    if (peeked && peeked.length > length) return { bytes: peeked, complete: peekedAll && peeked.length < SAMPLE_BYTES };
    return { bytes: Buffer.concat(parts), complete: ended && length < SAMPLE_BYTES };
  };
  return { input, head };
}

/** Holds the first records' diagnostics and decides whether the input is what `format` reads. */
export class FirstRecords {
  private held: Diagnostic[] = [];
  private decided = false;
  private records = 0;
  private accepted = 0;
  private shapeErrors = 0;
  private otherErrors = 0;

  constructor(
    private readonly format: FormatDescriptor,
    private readonly recorded: RecordedInput,
    private readonly emit: DiagnosticSink,
  ) {}

  /** A diagnostic of the run: held until the decision, passed on after it. */
  diagnostic(d: Diagnostic): void {
    if (this.decided) return this.emit(d);
    if (d.severity === 'error') {
      if (CODES[d.code].shape) this.shapeErrors++;
      else this.otherErrors++;
    }
    this.held.push(d);
  }

  /** `count` records read, accepted or refused. */
  record(count: number, accepted: boolean): void {
    this.records += count;
    if (accepted) this.accepted += count;
  }

  /** Whether enough is known to decide (FIRST_RECORDS seen, or too much held). */
  get due(): boolean {
    return !this.decided && (this.records >= FIRST_RECORDS || this.held.length > MAX_HELD);
  }

  /**
   * Decides on what was seen (call at FIRST_RECORDS, at the end of the input or before a stop):
   * throws the one error that replaces the held diagnostics, or passes them on.
   */
  decide(): void {
    if (this.decided) return;
    const replacement = this.replacement();
    if (replacement) {
      this.decided = true;
      this.held = [];
      throw replacement;
    }
    this.flush();
  }

  /** The one error that stands for the held diagnostics, if the input is not what was asked for. */
  private replacement(): AnnoconvError | undefined {
    const { bytes, complete } = this.recorded.head();
    const sample = sampleFrom(this.recorded.input.name, bytes, complete);
    const what = unsupportedOf(sample);
    if (what !== undefined) return unsupportedError(what, this.recorded.input.name);
    if (!this.suspicious()) return undefined;
    const found = detectSample(sample);
    // structure, not a file name alone (jsonl's extension scores below this), names another format
    if (!found || found.confidence < MIN_CONFIDENCE || found.format.id === this.format.id || !found.format.can.read) return undefined;
    return this.mismatch(found.format);
  }

  /**
   * Whether the records seen may be another format's: none accepted, and nothing read at all
   * despite errors, or only shape errors (one may refuse many records: a CSV header, an unknown
   * top-level key), or at least one shape error for each record refused.
   */
  private suspicious(): boolean {
    if (this.accepted > 0 || this.shapeErrors + this.otherErrors === 0) return false;
    return this.records === 0 || this.otherErrors === 0 || this.shapeErrors >= this.records;
  }

  /** Passes the held diagnostics on, and everything after them (also when a run ends by another error). */
  flush(): void {
    this.decided = true;
    const held = this.held;
    this.held = [];
    for (const d of held) this.emit(d);
  }

  private mismatch(found: FormatDescriptor): AnnoconvError {
    const n = this.records;
    const failed = n === 0 ? 'nothing could be read' : n === 1 ? 'its first record failed' : `its first ${n} records all failed`;
    return new AnnoconvError(diag('INPUT_FORMAT_MISMATCH', `read as ${this.format.id}, ${failed}; it looks like ${found.id}: use --from ${found.id}`, { file: this.recorded.input.name }), 1);
  }
}
