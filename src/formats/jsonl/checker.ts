/**
 * The per-item rules of FORMATS.md §1.6 that run after JSON.parse: schema (behind a conservative
 * fast path), uuid uniqueness, type consistency, metadata null, media URL forms. One instance per
 * file, reused for every line (no per-line closures on the hot path).
 */
import type { ReadContext } from '../../core/format.js';
import { diag, fragment, type Severity } from '../../core/diagnostics.js';
import type { Code } from '../../core/codes.js';
import type { Validator } from '../../core/schemas.js';
import type { IdSet } from '../../core/idset.js';
import { plainlyValid } from './fast-check.js';
import { mapSchemaErrors } from './schema-errors.js';
import { checkMediaUrl, isRfc4122, isS3Url } from './urls.js';

export interface FileState {
  ids: IdSet;
  types: Map<string, number>;
  /** Runs of the same type are counted here and folded into `types` when the type changes. */
  lastKind: string;
  lastKindCount: number;
  nonUuid: number;
  firstNonUuidLine: number;
  records: number;
  /** Media URLs that are not S3 URLs, counted only when the server config makes every URL presigned. */
  notS3?: { count: number; firstLine: number };
}

export function countKind(st: FileState, kind: string): void {
  if (st.lastKindCount > 0) st.types.set(st.lastKind, (st.types.get(st.lastKind) ?? 0) + st.lastKindCount);
  st.lastKind = kind;
  st.lastKindCount = 1;
}

export class ItemChecker {
  private line = 0;
  private record = 0;
  private errors = 0;

  constructor(
    private readonly file: string,
    private readonly st: FileState,
    private readonly ctx: ReadContext,
    private readonly validate: Validator,
    private readonly projectType: string | undefined,
    private readonly allowExtraData: boolean,
  ) {}

  private report(code: Code, message: string, pointer?: string, severity?: Severity): void {
    const place = { file: this.file, line: this.line, record: this.record, ...(pointer !== undefined ? { pointer: fragment(pointer) } : {}) };
    const d = diag(code, message, place, severity);
    if (d.severity === 'error') this.errors++;
    this.ctx.report(d);
  }

  /** Check one parsed line; returns the number of errors reported for it. */
  check(obj: Record<string, unknown>, line: number, record: number): number {
    this.line = line;
    this.record = record;
    this.errors = 0;
    const st = this.st;
    if (!plainlyValid(obj) && !this.validate(obj)) {
      for (const f of mapSchemaErrors(this.validate.errors ?? [], obj, this.allowExtraData)) this.report(f.code, f.message, f.pointer, f.severity);
    }
    const uuid = obj.uuid;
    if (typeof uuid === 'string' && uuid.length > 0) {
      if (st.ids.add(uuid)) this.report('JSONL_UUID_DUPLICATE', `uuid ${JSON.stringify(uuid)} is already used by an earlier line`, '/uuid');
      else if (!isRfc4122(uuid) && st.nonUuid++ === 0) st.firstNonUuidLine = line;
    }
    const kind = (obj.type ?? obj.datatype) as string | undefined;
    if (typeof kind === 'string') {
      if (kind === st.lastKind) st.lastKindCount++;
      else countKind(st, kind);
      if (this.projectType && kind !== this.projectType) {
        this.report('JSONL_TYPE_MISMATCH', `item type "${kind}" differs from the project type "${this.projectType}"`, obj.type !== undefined ? '/type' : '/datatype');
      }
    }
    if (obj.metadata === null) this.report('JSONL_METADATA_NULL', '"metadata" is null; the documentation asks for an object or no key', '/metadata');
    const data = obj.data as Record<string, unknown> | undefined;
    if (data && typeof data === 'object' && typeof data.url === 'string' && (kind === 'image' || kind === 'video' || kind === 'audio')) {
      const found = checkMediaUrl(data.url);
      for (let i = 0; i < found.length; i++) this.report(found[i]!.code, found[i]!.message, '/data/url');
      const n = st.notS3;
      if (n && /^https?:/i.test(data.url) && !isS3Url(data.url) && n.count++ === 0) n.firstLine = line;
    }
    return this.errors;
  }
}
