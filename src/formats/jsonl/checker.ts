/**
 * The per-item rules of FORMATS.md §1.6 that run after JSON.parse: the server's schema (behind a
 * conservative fast path) on the line as its validator sees it (joi-view.ts), its dates, uuid
 * uniqueness (a unique index), the project's one type, what the database refuses or alters after
 * validation (storage.ts, stored-size.ts), media URL forms (urls.ts). One instance per file,
 * reused for every line (no per-line closures on the hot path).
 */
import type { ReadContext } from '../../core/format.js';
import { diag, fragment, type Severity } from '../../core/diagnostics.js';
import type { Code } from '../../core/codes.js';
import type { Validator } from '../../core/schemas.js';
import type { IdSet } from '../../core/idset.js';
import { plainlyValid } from './fast-check.js';
import { mapSchemaErrors } from './schema-errors.js';
import { checkMediaUrl, isRfc4122, presignsElsewhere, type UrlMode } from './urls.js';
import { validatorView } from './joi-view.js';
import { ITEM_DATE_KEYS, joiAcceptsDate } from './dates.js';
import { storageFindings } from './storage.js';
import { MAX_DOCUMENT_BYTES, SIZE_CHECK_FROM, storedDocumentSize } from './stored-size.js';

export interface FileState {
  ids: IdSet;
  types: Map<string, number>;
  /** Runs of the same type are counted here and folded into `types` when the type changes. */
  lastKind: string;
  lastKindCount: number;
  /** The first item's type, and where another type first shows (JSONL_TYPE_MIXED). */
  firstKind?: string;
  otherKind?: { line: number; pointer: string; kind: string };
  nonUuid: number;
  firstNonUuidLine: number;
  records: number;
  /** How the project serves media URLs (the server config, when given). */
  urlMode: UrlMode;
  /** Media URLs a presigning server sends to hosts other than S3 (counted when it presigns). */
  notS3?: { count: number; firstLine: number };
}

export function countKind(st: FileState, kind: string): void {
  if (st.lastKindCount > 0) st.types.set(st.lastKind, (st.types.get(st.lastKind) ?? 0) + st.lastKindCount);
  st.lastKind = kind;
  st.lastKindCount = 1;
}

const own = (o: Record<string, unknown>, k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);

export class ItemChecker {
  private line = 0;
  private record = 0;
  private errors = 0;
  private readonly strict: boolean;

  constructor(
    private readonly file: string,
    private readonly st: FileState,
    private readonly ctx: ReadContext,
    private readonly validate: Validator,
    private readonly projectType: string | undefined,
    private readonly allowExtraData: boolean,
  ) {
    this.strict = ctx.options.strict;
  }

  private report(code: Code, message: string, pointer?: string, severity?: Severity): void {
    const place = { file: this.file, line: this.line, record: this.record, ...(pointer !== undefined ? { pointer: fragment(pointer) } : {}) };
    const d = diag(code, message, place, severity);
    if (d.severity === 'error') this.errors++;
    this.ctx.report(d);
  }

  /**
   * Check one parsed line (`chars` long); returns the number of errors reported for it and the
   * line as the server's validator reads it (the line itself unless it holds "__proto__" keys).
   */
  check(obj: Record<string, unknown>, line: number, record: number, chars: number): { errors: number; view: Record<string, unknown> } {
    this.line = line;
    this.record = record;
    this.errors = 0;
    const view = validatorView(obj);
    const fast = plainlyValid(view);
    if (!fast && !this.validate(view)) {
      for (const f of mapSchemaErrors(this.validate.errors ?? [], view, this.allowExtraData)) this.report(f.code, f.message, f.pointer, f.severity);
    }
    this.dates(view);
    this.identity(view);
    if (view.metadata === null) this.report('JSONL_METADATA_NULL', '"metadata" is null; the documentation asks for an object or no key', '/metadata');
    // a copied view means "__proto__" keys: the line itself is not plain
    for (const f of storageFindings(obj, this.strict, fast && view === obj)) this.report(f.code, f.message, f.pointer, f.severity);
    if (chars >= SIZE_CHECK_FROM && this.errors === 0) this.size(obj);
    this.url(view);
    return { errors: this.errors, view };
  }

  /** Dates of other types are the schema's to report. */
  private dates(view: Record<string, unknown>): void {
    for (const k of ITEM_DATE_KEYS) {
      const v = own(view, k);
      if ((typeof v === 'string' || typeof v === 'number') && !joiAcceptsDate(v)) {
        this.report('JSONL_DATE_INVALID', `"${k}" is not a date the server reads (it takes ISO strings, epoch milliseconds, numeric strings, or null), got ${JSON.stringify(v).slice(0, 40)}`, '/' + k);
      }
    }
  }

  /** uuid uniqueness and form, the item type against the project's and the file's first. */
  private identity(view: Record<string, unknown>): void {
    const st = this.st;
    const uuid = view.uuid;
    if (typeof uuid === 'string' && uuid.length > 0) {
      if (st.ids.add(uuid)) this.report('JSONL_UUID_DUPLICATE', `uuid ${JSON.stringify(uuid)} is already used by an earlier line`, '/uuid');
      else if (!isRfc4122(uuid) && st.nonUuid++ === 0) st.firstNonUuidLine = this.line;
    }
    const kind = (view.type ?? view.datatype) as string | undefined;
    if (typeof kind !== 'string') return;
    const at = view.type !== undefined ? '/type' : '/datatype';
    if (kind === st.lastKind) st.lastKindCount++;
    else countKind(st, kind);
    if (this.projectType) {
      if (kind !== this.projectType) this.report('JSONL_TYPE_MISMATCH', `item type "${kind}" differs from the project type "${this.projectType}"`, at);
    } else if (st.firstKind === undefined) st.firstKind = kind;
    else if (kind !== st.firstKind && st.otherKind === undefined) st.otherKind = { line: this.line, pointer: at, kind };
  }

  private size(obj: Record<string, unknown>): void {
    const bytes = storedDocumentSize(obj);
    if (bytes < MAX_DOCUMENT_BYTES) return;
    this.report('JSONL_DOCUMENT_TOO_LARGE', `the server would store this item as a document of ${bytes.toLocaleString('en')} bytes (the whole line as "raw", then "data" again, and a text a third time as "body"), and MongoDB's driver refuses documents of 16 MiB (${MAX_DOCUMENT_BYTES.toLocaleString('en')} bytes) or more; the upload fails`, '');
  }

  private url(view: Record<string, unknown>): void {
    const data = view.data as Record<string, unknown> | undefined;
    const kind = view.type ?? view.datatype;
    if (!data || typeof data !== 'object' || typeof data.url !== 'string' || data.url === '' || !(kind === 'image' || kind === 'video' || kind === 'audio')) return;
    const st = this.st;
    const found = checkMediaUrl(data.url, st.urlMode, this.strict);
    for (let i = 0; i < found.length; i++) this.report(found[i]!.code, found[i]!.message, '/data/url', found[i]!.severity);
    const n = st.notS3;
    if (n && presignsElsewhere(data.url) && n.count++ === 0) n.firstLine = this.line;
  }
}
