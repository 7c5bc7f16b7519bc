/**
 * What MongoDB does with an item the Annotto server's validation let through (FORMATS.md §1.7).
 * The server inserts one document per line (`transformLineToItem` in src/core/items/index.ts, then
 * `ItemModel.collection.insertMany`, which skips mongoose's casting): the whole line as `raw`, and
 * beside it copies of `data`, `metadata`, `tags`, `description` and `uuid`, and a text item's text
 * once more as `body` (stored-size.ts).
 * - Keys, at any depth: the driver (mongodb 3.7, bson 1.1) serialises inserts with `checkKeys`, and
 *   a key that starts with "$" (but "$ref", "$id", "$db") or holds "." fails the batch, as does a
 *   key with a NUL: the upload fails.
 * - "$id": passes, but the driver reads an object holding it back as a DBRef, its other keys lost.
 * - "__proto__": stored, but the driver reads it back by assignment, which sets the prototype: the
 *   key is gone from the item when it is read.
 * - Depth: mongod refuses a document nested more than 180 levels (`fixDocumentForInsert`,
 *   BSONDepth 200 less 20 kept for the server; the empty containers count), and the line lies one
 *   level down, under `raw`: a line of more than 179 levels fails.
 * - `description`: mongoose casts it to a String whenever the item is loaded; an object or array
 *   fails that cast, and the server can then not save the item when it is served for annotation.
 */
import type { Code } from '../../core/codes.js';
import type { Severity } from '../../core/diagnostics.js';
import { pointerSegment } from '../../core/diagnostics.js';

/** Levels a line may nest (itself 1): mongod's 180 for the stored document, less the `raw` level. */
export const MAX_STORED_LINE_DEPTH = 179;

export interface StorageFinding {
  code: Code;
  message: string;
  pointer: string;
  severity?: Severity;
}

/** Key findings reported for one line at most; the depth finding comes on top. */
const MAX_KEY_FINDINGS = 3;

/**
 * One walk over a line's containers: keys checked, depth measured. The path to the current value
 * is kept as segments and made a pointer only for a finding (this runs for every line).
 */
class Walk {
  out: StorageFinding[] = [];
  keyFindings = 0;
  deepest = 0;
  deepAt = '';
  lenient: Severity = 'warning';
  private readonly path: (string | number)[] = [];

  reset(lenient: Severity): void {
    this.out = [];
    this.keyFindings = 0;
    this.deepest = 0;
    this.deepAt = '';
    this.lenient = lenient;
    this.path.length = 0;
  }

  value(v: object, depth: number): void {
    if (depth > this.deepest) {
      this.deepest = depth;
      if (depth === MAX_STORED_LINE_DEPTH + 1) this.deepAt = this.pointer();
    }
    const path = this.path;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const e: unknown = v[i];
        if (e === null || typeof e !== 'object') continue;
        path.push(i);
        this.value(e, depth + 1);
        path.pop();
      }
      return;
    }
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const e = o[k];
      const check = this.keyFindings < MAX_KEY_FINDINGS && needsLook(k);
      if (!check && (e === null || typeof e !== 'object')) continue;
      path.push(k);
      if (check) this.key(k);
      if (e !== null && typeof e === 'object') this.value(e, depth + 1);
      path.pop();
    }
  }

  /** Walks `v`, the value under the line's key `k`, at `depth`. */
  under(k: string, v: object, depth: number): void {
    this.path.push(k);
    this.value(v, depth);
    this.path.pop();
  }

  private key(k: string): void {
    const f = keyFinding(k, this.lenient);
    if (!f) return;
    this.keyFindings++;
    this.out.push({ ...f, pointer: this.pointer() });
  }

  private pointer(): string {
    let p = '';
    for (const s of this.path) p += '/' + pointerSegment(s);
    return p;
  }
}

/** Nearly every key is plain: one look at its first character and a scan for "." and NUL. */
function needsLook(k: string): boolean {
  const c0 = k.charCodeAt(0);
  return c0 === 36 || c0 === 95 || k.includes('.') || k.includes('\0');
}

const walk = new Walk();

function keyFinding(k: string, lenient: Severity): Omit<StorageFinding, 'pointer'> | undefined {
  const shown = JSON.stringify(k);
  if (k.includes('\0')) return { code: 'JSONL_KEY_INVALID', message: `key ${shown} holds a NUL character: MongoDB's driver refuses it, and the upload fails` };
  if (k === '$id') return { code: 'JSONL_KEY_DBREF', message: 'key "$id": stored, but MongoDB\'s driver reads an object holding "$id" back as a DBRef ($ref, $id, $db), its other keys lost', severity: lenient };
  if (k === '$ref' || k === '$db') return undefined;
  if (k.charCodeAt(0) === 36) return { code: 'JSONL_KEY_INVALID', message: `key ${shown} starts with "$": MongoDB's driver refuses it on insert (the server stores the whole line), and the upload fails` };
  if (k.includes('.')) return { code: 'JSONL_KEY_INVALID', message: `key ${shown} holds ".": MongoDB's driver refuses it on insert (the server stores the whole line), and the upload fails` };
  if (k === '__proto__') return { code: 'JSONL_PROTO_KEY', message: 'key "__proto__": stored, but MongoDB\'s driver reads it back as the object\'s prototype, so it is gone from the item (and where the server validates, at the top level and in data, its validator never sees it as a key)', severity: lenient };
  return undefined;
}

/**
 * Key, depth and description findings for one parsed line, as the server would store it.
 * `plainItem`: the line passed the fast path's shape check (fast-check.ts), so its own keys and
 * its data's are plain names, data holds one string and there is no description: only metadata
 * can hold a finding, and only it is walked (the same findings, a third of the work).
 */
export function storageFindings(line: Record<string, unknown>, strict: boolean, plainItem = false): StorageFinding[] {
  const lenient: Severity = strict ? 'error' : 'warning';
  const w = walk;
  w.reset(lenient);
  if (plainItem) {
    w.deepest = 2; // data is an object
    const md = Object.prototype.hasOwnProperty.call(line, 'metadata') ? line.metadata : undefined;
    if (md !== undefined && md !== null && typeof md === 'object') w.under('metadata', md, 2);
    return w.deepest > MAX_STORED_LINE_DEPTH ? depthFinding(w, w.out) : w.out;
  }
  w.value(line, 1);
  const out = w.out;
  if (w.deepest > MAX_STORED_LINE_DEPTH) depthFinding(w, out);
  const d = Object.prototype.hasOwnProperty.call(line, 'description') ? line.description : undefined;
  if (d !== null && typeof d === 'object') {
    out.push({
      code: 'JSONL_DESCRIPTION_NOT_STRING',
      message: `"description" is ${Array.isArray(d) ? 'an array' : 'an object'}: the server stores it, but its database layer (mongoose) casts description to a string whenever the item is loaded, fails, and cannot save the item when it is served for annotation`,
      pointer: '/description',
      severity: lenient,
    });
  }
  return out;
}

function depthFinding(w: Walk, out: StorageFinding[]): StorageFinding[] {
  out.push({
    code: 'JSONL_NESTING_TOO_DEEP',
    message: `the line nests ${w.deepest} levels: the server stores it under "raw", one level down, and MongoDB refuses documents nested more than 180 levels (more than ${MAX_STORED_LINE_DEPTH} in the line); the upload fails`,
    pointer: w.deepAt,
  });
  return out;
}
