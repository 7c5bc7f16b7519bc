/** Top-level keys the server tolerates so that its own export re-imports (FORMATS.md §1.2). */
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
