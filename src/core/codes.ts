/**
 * Every diagnostic code annoconv emits, each with its default severity and a one-line meaning.
 * The README's code table is checked against this list by a test.
 */
import type { Severity } from './diagnostics.js';

export interface CodeInfo {
  severity: Severity;
  meaning: string;
}

const c = (severity: Severity, meaning: string): CodeInfo => ({ severity, meaning });

export const CODES = {
  // Input and I/O
  INPUT_NOT_FOUND: c('error', 'the input file does not exist or cannot be opened'),
  INPUT_READ_FAILED: c('error', 'reading the input failed part way'),
  INPUT_INVALID_UTF8: c('error', 'a record is not valid UTF-8'),
  INPUT_RECORD_TOO_LARGE: c('error', 'a record is larger than --max-record-size; it was skipped without being held in memory'),
  INPUT_BOM: c('warning', 'the input starts with a UTF-8 byte order mark (stripped)'),
  INPUT_EMPTY: c('warning', 'the input holds no records'),
  INPUT_UNKNOWN_FORMAT: c('error', 'the format could not be detected from the content; pass --format/--from'),
  OUTPUT_WRITE_FAILED: c('error', 'writing the output failed (disk full, permission, closed device)'),
  OPTION_INVALID: c('error', 'a command-line option or library option is invalid'),
  OPTION_UNKNOWN_FORMAT: c('error', 'no format has this id or alias'),
  OPTION_NOT_SUPPORTED: c('error', 'the format cannot do this (read, write or validate)'),
  RUN_STOPPED: c('error', 'the run stopped at the first invalid record (--on-invalid fail)'),
  INTERNAL_ERROR: c('error', 'a bug in annoconv: please report it with the input that caused it'),
  DIAGNOSTICS_TRUNCATED: c('info', 'more diagnostics than --max-diagnostics; the rest were counted, not printed'),
  // Loss
  LOSS_DROPPED: c('warning', 'information the target format cannot hold was dropped (--strict makes it an error)'),
  // items.jsonlines
  JSONL_INVALID_JSON: c('error', 'the line is not valid JSON'),
  JSONL_NOT_OBJECT: c('error', 'the line is valid JSON but not an object'),
  JSONL_WHITESPACE_LINE: c('warning', 'a line holds only whitespace (Annotto aborts the import on it; an error with --strict)'),
  JSONL_UUID_MISSING: c('error', 'the item has no uuid'),
  JSONL_UUID_TYPE: c('error', 'uuid is not a non-empty string'),
  JSONL_UUID_DUPLICATE: c('error', 'the uuid was already used by an earlier line of the file'),
  JSONL_UUID_NOT_RFC4122: c('warning', 'uuid is not an RFC 4122 UUID (accepted by the server)'),
  JSONL_TYPE_BOTH: c('error', 'both type and datatype are given (an error even when equal)'),
  JSONL_TYPE_MISSING: c('error', 'neither type nor datatype is given'),
  JSONL_TYPE_INVALID: c('error', 'type/datatype is not one of text, image, video, audio, html'),
  JSONL_TYPE_MISMATCH: c('error', 'the item type differs from --project-type'),
  JSONL_TYPE_MIXED: c('warning', 'the file mixes item types; a project holds one type'),
  JSONL_DATA_MISSING: c('error', 'data is missing or not an object'),
  JSONL_DATA_FIELD_MISSING: c('error', 'data lacks the field its type needs (text, url or html)'),
  JSONL_DATA_FIELD_TYPE: c('error', 'the data field is not a string'),
  JSONL_DATA_EXTRA_KEY: c('error', 'data holds a key its type does not allow (a warning with --allow-extra-data)'),
  JSONL_METADATA_NOT_OBJECT: c('error', 'metadata is a string, number, array or boolean; it must be an object'),
  JSONL_METADATA_NULL: c('warning', 'metadata is null (the server accepts it; the documentation asks for an object)'),
  JSONL_UNKNOWN_KEY: c('error', 'a top-level key the server rejects'),
  JSONL_FIELD_TYPE: c('error', 'a tolerated top-level field has the wrong type'),
  JSONL_URL_SCHEME: c('error', 'the URL is not http(s) (s3:// and others are rejected by the server)'),
  JSONL_URL_WHITESPACE: c('warning', 'the URL contains whitespace'),
  JSONL_URL_S3_MISPARSED: c('warning', 'an S3 URL the server mis-parses (no region, dot path-style or dotted bucket); use https://BUCKET.s3.REGION.amazonaws.com/KEY'),
  JSONL_URL_S3_PLUS: c('warning', 'an S3 key holds "+": the server does not decode it as a space'),
  // annoconv line format
  MODEL_INVALID_JSON: c('error', 'the line is not valid JSON'),
  MODEL_SCHEMA: c('error', 'the record does not match the annoconv model schema'),
  MODEL_HEADER_POSITION: c('error', 'a dataset header line after the first item'),
  MODEL_ID_DUPLICATE: c('warning', 'two items share an id'),
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;

export function codeInfo(code: Code): CodeInfo {
  return CODES[code];
}
