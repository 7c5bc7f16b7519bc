/**
 * items.jsonlines writer: valid items only. Labels have no place in an item import, so annotations
 * are counted as dropped (refused under --strict); kinds the format cannot hold are refused.
 *
 * Media URLs get the reader's findings (urls.ts) and the same severities: the server stores any
 * URL at upload, so an `s3://` URL or a path is written with a warning (no browser loads it, and a
 * project with S3 credentials cannot presign it); with a --server-config holding credentials, a
 * URL the server cannot presign is an error and the item is refused, as it could never be served.
 * Warnings are reported once per code and host (a --url-prefix gives every URL the same host).
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
import { checkMediaUrl, type UrlFinding, type UrlMode } from './urls.js';
import { serverConfigOf } from './server-config.js';

const FIELD: Record<string, 'text' | 'url' | 'html'> = {
  text: 'text',
  html: 'html',
  image: 'url',
  video: 'url',
  audio: 'url',
};

export async function createJsonlWriter(sink: OutputSink, ctx: WriteContext): Promise<FormatWriter> {
  const fo = ctx.options.format;
  const urlPrefix = typeof fo.urlPrefix === 'string' ? fo.urlPrefix : undefined;
  const mode: UrlMode = typeof fo.serverConfig === 'string' ? (await serverConfigOf(ctx.options, fo.serverConfig, ctx.report)).mode : 'unknown';
  const warned = new Set<string>();
  /** False when the URL is refused (an error was reported). */
  const urlFindings = (item: Item, url: string, place: Place): boolean => {
    let ok = true;
    for (const f of checkMediaUrl(url, mode, ctx.options.strict)) {
      const error = (f.severity ?? CODES[f.code].severity) === 'error';
      const key = f.code + ' ' + (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)?.[0] ?? '');
      if (!error && warned.has(key)) continue;
      warned.add(key);
      ok &&= !error;
      ctx.report(diag(f.code, `item ${item.id}: ${f.message}${hint(f, url)}${error ? '' : ' (reported once per host)'}`, place, f.severity));
    }
    return ok;
  };
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
      if (field === 'url' && !urlFindings(item, value, place)) return;
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

function hint(f: UrlFinding, url: string): string {
  return f.code === 'JSONL_URL_SCHEME' && !hasScheme(url) ? ' (a path: --url-prefix makes URLs of paths)' : '';
}
