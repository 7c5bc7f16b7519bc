/**
 * Annotto's own item export (a project download with "all items": `cleanupItem` in
 * src/core/projects/download/index.ts) writes three fields misspelt: `annoted`, `annotedBy` and
 * `annotedAt` for the `annotated`, `annotatedBy`, `annotatedAt` its upload takes. The upload's
 * schema (src/router/validation/item.ts) allows no other key, so Joi refuses such a line
 * (`"annoted" is not allowed`) and the export does not re-import. The export reader
 * (`--from annotto-export`) takes the three under their upload names.
 */
import { setOwn } from '../../core/safe.js';

/** The export's spelling -> the upload's. */
export const EXPORT_RENAMES: ReadonlyMap<string, string> = new Map([
  ['annoted', 'annotated'],
  ['annotedBy', 'annotatedBy'],
  ['annotedAt', 'annotatedAt'],
]);

export const EXPORT_KEYS: ReadonlySet<string> = new Set(EXPORT_RENAMES.keys());

/** The message for a line holding export spellings, naming those it holds. */
export function exportKeysMessage(rec: Record<string, unknown>): string {
  const held = [...EXPORT_KEYS].filter((k) => Object.prototype.hasOwnProperty.call(rec, k));
  const list = held.map((k) => `"${k}"`).join(', ');
  const names = held.map((k) => `"${EXPORT_RENAMES.get(k)}"`).join(', ');
  return `${list}: the spelling of Annotto's own item export, which its upload refuses (the server's schema allows no such key: "${held[0]}" is not allowed); read the file with --from annotto-export, which takes ${held.length > 1 ? 'them' : 'it'} as ${names}`;
}

/**
 * An export line with the three fields under their upload names (a copy when one is renamed). A
 * line holding both spellings of a field keeps both, and the export one is then an unknown key.
 */
export function renameExportKeys(rec: Record<string, unknown>): Record<string, unknown> {
  let renamed = false;
  for (const k of EXPORT_KEYS) if (Object.prototype.hasOwnProperty.call(rec, k) && !Object.prototype.hasOwnProperty.call(rec, EXPORT_RENAMES.get(k)!)) renamed = true;
  if (!renamed) return rec;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(rec)) {
    const to = EXPORT_RENAMES.get(k);
    setOwn(out, to !== undefined && !Object.prototype.hasOwnProperty.call(rec, to) ? to : k, rec[k]);
  }
  return out;
}
