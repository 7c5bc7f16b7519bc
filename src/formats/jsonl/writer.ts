/**
 * items.jsonlines writer: valid items only. Labels have no place in an item import, so annotations
 * are counted as dropped (refused under --strict); kinds the format cannot hold are refused.
 */
import { hasScheme, mediaUrl } from '../../core/object-url.js';
import { noun } from '../../core/noun.js';
import type { FormatWriter, WriteContext } from '../../core/format.js';
import type { OutputSink } from '../../core/io.js';
import { diag, type Place } from '../../core/diagnostics.js';
import type { Item, JsonObject } from '../../model/types.js';
import { JSONL_TOLERATED_KEYS } from './keys.js';
import { setOwn } from '../../core/safe.js';
import { CODES } from '../../core/codes.js';
import { checkMediaUrl } from './urls.js';

const FIELD: Record<string, 'text' | 'url' | 'html'> = {
  text: 'text',
  html: 'html',
  image: 'url',
  video: 'url',
  audio: 'url',
};

export function createJsonlWriter(sink: OutputSink, ctx: WriteContext): FormatWriter {
  const urlPrefix = typeof ctx.options.format.urlPrefix === 'string' ? ctx.options.format.urlPrefix : undefined;
  return {
    write(item: Item, place: Place): void {
      const field = FIELD[item.kind];
      if (!field) {
        ctx.report(diag('LOSS_DROPPED', `item ${item.id}: kind "${item.kind}" cannot be an items.jsonlines item (text, image, video, audio, html only)`, place, 'error'));
        return;
      }
      let value: string | undefined;
      if (field === 'text') value = item.text;
      else if (field === 'html') value = item.html;
      else value = mediaUrl(item.url, item.path, urlPrefix);
      if (value === undefined) {
        const hint = field === 'url' && item.path !== undefined ? ' (it has a file name: pass --url-prefix)' : '';
        ctx.report(diag('LOSS_DROPPED', `item ${item.id}: no ${field === 'url' ? 'URL' : field} to write as data.${field}${hint}`, place, 'error'));
        return;
      }
      if (field === 'url') {
        // the server refuses what its own rules reject (s3://, gs://, relative paths): not written
        const refused = checkMediaUrl(value).find((f) => CODES[f.code].severity === 'error');
        if (refused) {
          const hint = hasScheme(value) ? '' : ' (a path: --url-prefix makes URLs of paths)';
          ctx.report(diag(refused.code, `item ${item.id}: ${refused.message}${hint}`, place));
          return;
        }
      }
      if (item.annotations.length > 0 && !ctx.lose(noun('annotation'), item.annotations.length, 'items.jsonlines holds no labels (--to annotto-predictions or --to annotto-annotations writes them for the same uuids)', place)) return;
      const ex = item.extras?.jsonl ?? {};
      const out: JsonObject = { uuid: item.id };
      out[ex.typeKey === 'type' ? 'type' : 'datatype'] = item.kind;
      const data: JsonObject = {};
      setOwn(data, field, value);
      if (ex.data && typeof ex.data === 'object') {
        for (const [k, v] of Object.entries(ex.data as JsonObject)) setOwn(data, k, v);
      }
      out.data = data;
      if (ex.metadataNull === true && Object.keys(item.metadata).length === 0) out.metadata = null;
      else if (Object.keys(item.metadata).length > 0 || ex.metadataEmpty === true) out.metadata = item.metadata;
      if (item.width !== undefined || item.height !== undefined) ctx.lose(noun('image size'), 1, 'items.jsonlines holds no media facts', place);
      if (item.media && Object.keys(item.media).length > 0) ctx.lose(noun("item's media facts", "items' media facts"), 1, 'items.jsonlines holds no media facts', place);
      if (item.tags) out.tags = item.tags;
      for (const k of JSONL_TOLERATED_KEYS) if (ex[k] !== undefined) out[k] = ex[k];
      sink.write(JSON.stringify(out) + '\n');
    },
    end(): void {},
  };
}
