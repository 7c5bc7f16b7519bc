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
  CSV_UNCLOSED_QUOTE: c('error', 'a quoted CSV field is never closed: its first line is rejected and reading goes on below it'),
  CSV_STRAY_QUOTE: c('error', 'text follows the closing quote of a CSV field (a quote inside quotes is written "")'),
  CSV_FORMULA_ESCAPED: c('warning', 'CSV cells a spreadsheet would run as formulas (= + - @ tab CR first) were written with a leading apostrophe (--no-escape-formulas: as they are)'),
  INPUT_EMPTY: c('warning', 'the input holds no records'),
  INPUT_UNKNOWN_FORMAT: c('error', 'the format could not be detected from the content; pass --format/--from'),
  OUTPUT_WRITE_FAILED: c('error', 'writing the output failed (disk full, permission, closed device)'),
  TEMP_WRITE_FAILED: c('error', 'a temporary spill file could not be created or written (disk full?); TMPDIR chooses where they go'),
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
  // COCO
  COCO_INVALID_JSON: c('error', 'the COCO file, or one record of it, is not valid JSON'),
  COCO_NOT_OBJECT: c('error', 'a COCO dataset must be a JSON object (a results file is an array)'),
  COCO_RESULTS_NOT_ARRAY: c('error', 'a COCO results file must be a JSON array of detections'),
  COCO_DUPLICATE_KEY: c('error', 'a top-level key appears twice; JSON parsers would keep only the last'),
  COCO_RECORD_TYPE: c('error', 'an image, annotation or category is not a JSON object'),
  COCO_FIELD_MISSING: c('error', 'a required field is missing (image id, annotation id/image_id, category id/name)'),
  COCO_FIELD_TYPE: c('error', 'a field has the wrong type (ids must be integers, file_name a string, ...)'),
  COCO_DUPLICATE_ID: c('error', 'an image, annotation or category id is used twice'),
  COCO_DANGLING_IMAGE: c('error', 'image_id names no image of the file'),
  COCO_DANGLING_CATEGORY: c('error', 'category_id names no category of the file'),
  COCO_BBOX_INVALID: c('error', 'bbox is not 4 finite numbers with non-negative width and height'),
  COCO_POLYGON_INVALID: c('error', 'a polygon has an odd number of coordinates, fewer than 3 points, or non-finite values'),
  COCO_RLE_INVALID: c('error', 'an RLE mask is malformed (counts not non-negative integers, not summing to h x w, bad string)'),
  COCO_RLE_SIZE: c('error', 'an RLE mask size [h, w] differs from its image'),
  COCO_KEYPOINTS_LENGTH: c('error', 'keypoints is not 3 x K numbers (K = the category\'s keypoint names)'),
  COCO_NUM_KEYPOINTS: c('error', 'num_keypoints differs from the number of keypoints with v > 0'),
  COCO_ANNOTATION_ID_ZERO: c('warning', 'annotation id 0: COCOeval reads it as unmatched; writers renumber from 1'),
  COCO_BBOX_OUTSIDE: c('warning', 'bbox extends beyond its image'),
  COCO_AREA_ZERO: c('warning', 'area is 0'),
  COCO_CROWD_POLYGON: c('warning', 'iscrowd 1 with polygon segmentation (crowd regions are normally RLE)'),
  COCO_ISCROWD_TYPE: c('warning', 'iscrowd is not 0 or 1 (kept as it is)'),
  COCO_IMAGE_SIZE: c('warning', 'an image has no positive integer width/height; targets that need sizes will refuse it'),
  COCO_INFO_MISSING: c('warning', 'the file has no info object (some tools crash without it)'),
  COCO_UNKNOWN_IMAGE: c('error', 'a detection names an image that the --gt dataset does not have'),
  COCO_NO_IMAGES: c('error', 'items cannot become COCO images: width/height unknown, or no file name or URL'),
  COCO_IDS_RENUMBERED: c('info', 'ids were renumbered on output (annotation ids must be >= 1 and unique)'),
  COCO_CATEGORY_UNKNOWN: c('error', 'a label is not in the --categories list'),
  // Encord registration manifests
  ENCORD_INVALID_JSON: c('error', 'the manifest, or one entry of it, is not valid JSON'),
  ENCORD_NOT_OBJECT: c('error', 'a manifest must be one JSON object of arrays'),
  ENCORD_DUPLICATE_KEY: c('error', 'a top-level key appears twice (JSON parsers keep only the last); --merge-duplicate-keys concatenates'),
  ENCORD_UNKNOWN_KEY: c('error', 'a top-level key that is not a manifest array nor skip_duplicate_urls'),
  ENCORD_ENTRY_TYPE: c('error', 'an entry is not a JSON object'),
  ENCORD_FIELD_TYPE: c('error', 'a field has the wrong type (title a string, clientMetadata an object, createVideo a boolean, ...)'),
  ENCORD_UNKNOWN_FIELD: c('warning', 'an entry field Encord does not document (kept)'),
  ENCORD_URL_MISSING: c('error', 'an entry has no objectUrl (or no objectUrl_N for a group or series)'),
  ENCORD_URL_INVALID: c('error', 'an objectUrl is not a URL (scheme://...)'),
  ENCORD_URL_WHITESPACE: c('error', 'an objectUrl contains whitespace'),
  ENCORD_URL_INDEX: c('error', 'objectUrl_N where N is not a non-negative integer'),
  ENCORD_URL_GAP: c('warning', 'objectUrl_N positions have gaps or do not start at 0 (taken in order)'),
  ENCORD_URL_MRAP: c('warning', 'a Multi-Region Access Point URL: valid, but generic URL parsers reject it'),
  ENCORD_URL_DUPLICATE: c('warning', 'a URL is registered twice (Encord identifies objects by URL)'),
  ENCORD_TITLE_MISSING: c('warning', 'an image group or DICOM series has no title'),
  ENCORD_CREATE_VIDEO_MISSING: c('warning', 'an image group without createVideo (read as false, an image group); state it'),
  ENCORD_METADATA_INVALID: c('error', 'a videoMetadata/imageMetadata/audioMetadata block lacks a field, has one ill-typed, or is on the wrong kind'),
  ENCORD_ENCORD_INVALID: c('error', 'clientMetadata.$encord is malformed (frames, sampling_rate, keyframe_mode)'),
  ENCORD_LIMIT: c('error', 'over an Encord limit: 500,000 entries or 1,000,000 URLs a file, 16 KiB a URL, 300 characters a title'),
  ENCORD_NO_URL: c('error', 'an item has no URL to register (give --url-prefix to make one from its path)'),
  ENCORD_ITEM_UNSUPPORTED: c('error', 'an item of this kind cannot go into the manifest (html or inline text anywhere; audio, text, PDF, NIfTI in CSV)'),
  ENCORD_CSV_NO_HEADER: c('error', 'a row before the first header row (a header starts with ObjectUrl)'),
  ENCORD_CSV_HEADING_UNKNOWN: c('error', 'a header has a heading other than ObjectUrl, a known title and Create video; its rows are rejected'),
  ENCORD_CSV_COLUMNS: c('error', 'a row has more or fewer cells than its header (trailing empty cells aside)'),
  ENCORD_CSV_CREATE_VIDEO_INVALID: c('error', 'Create video is not true, false or blank'),
  ENCORD_CSV_CREATE_VIDEO_MISPLACED: c('error', 'Create video is true in a video, image or DICOM section'),
  ENCORD_CSV_CREATE_VIDEO_BLANK: c('warning', 'Create video is blank for an image group: Encord makes it a sequence (true)'),
  ENCORD_CSV_GROUP_MIXED: c('error', 'one group title is both a sequence (true) and a group (false); the disagreeing row is left out'),
  ENCORD_CSV_GROUP_TITLE_MISSING: c('error', 'an image-group row without a title (the title groups the rows)'),
  ENCORD_CSV_TITLE_REUSED: c('warning', 'a group or series title from an earlier section is used again: the rows join that group'),
  ENCORD_CSV_TYPE_MISMATCH: c('warning', 'a URL\'s extension names another media type than its section (the header decides)'),
  ENCORD_CSV_TITLE_TAKEN: c('error', 'writing CSV: another group or series already has this title, and CSV rows with one title form one group'),
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
