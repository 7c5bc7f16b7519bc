/**
 * Top-level keys the server's item schema allows beside uuid, type/datatype, data, metadata and
 * tags (FORMATS.md §1.2), kept through a conversion. They are the fields of Annotto's own export,
 * which writes three of them misspelt (export-keys.ts).
 */
export const JSONL_TOLERATED_KEYS = [
  'description',
  'annotated',
  'annotatedBy',
  'annotatedAt',
  'createdAt',
  'seenAt',
  'velocity',
  'lastAnnotator',
  'highlights',
  'sourceHighlights',
  'entitiesRelations',
  'predictions',
] as const;
