/**
 * The file name a Label Studio media URL stands for: what COCO `file_name`, VOC `<filename>`, the
 * YOLO label file and CSV `file_name` are made from (the item's `path`; the URL stays its `url`).
 *
 * The forms, as Label Studio and its SDK converter (utils.py `download`, `join_input_url`, and
 * label_studio_tools `get_local_path`) mean them:
 * - Local storage, `/data/local-files/?d=dir/a.jpg` (what the SDK's COCO and YOLO importers write,
 *   also with a host in front): the file is `d` below the document root, so the name is `dir/a.jpg`.
 *   `d` is a query value: percent-decoded, and `+` is a space, as the Label Studio server reads it
 *   (the SDK's `join_input_url` encodes with `quote`, so a `+` of a file name is never written raw).
 * - Uploads, `/data/upload/12/3f2a-a.jpg` (also `upload/...`, `/upload/...`): `12` is the project,
 *   and the stored file is `3f2a-a.jpg` (Label Studio's random prefix is part of the file's name).
 * - The storage proxy, `/storage-data/uploaded/?filepath=upload/12/3f2a-a.jpg`: the same file.
 * - `s3://`, `gs://`, `azure-blob://`, `http(s)://` and other URLs, and paths from the host root
 *   (`/image1`): the last segment of the path, percent-decoded (query and fragment are not part of
 *   it), as the SDK names a downloaded file.
 * - A relative path without a scheme (`images/a.jpg`): a file name already, kept as it is.
 * - `data:` URLs, and URLs whose path ends in `/`: no file name.
 */

import { decodeOrKeep } from '../../core/url-decode.js';

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

const decode = decodeOrKeep;

/** The last segment of a URL path, percent-decoded; undefined when empty. */
function lastSegment(path: string): string | undefined {
  const name = decode(path.slice(path.lastIndexOf('/') + 1));
  return name === '' ? undefined : name;
}

/** The query parameter `key` of a URL's query string (form decoding: `+` is a space). */
function queryParam(query: string, key: string): string | undefined {
  const v = new URLSearchParams(query).get(key);
  return v === null ? undefined : v;
}

/** Path, query of a URL with or without scheme and host (`new URL` needs a base for `/data/...`). */
function splitUrl(url: string): { path: string; query: string } {
  const noFragment = url.split('#')[0]!;
  const q = noFragment.indexOf('?');
  let path = q < 0 ? noFragment : noFragment.slice(0, q);
  const query = q < 0 ? '' : noFragment.slice(q + 1);
  const host = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(path);
  if (host) path = path.slice(host[0].length);
  return { path, query };
}

/**
 * The file name of a Label Studio media URL (see the forms above), or undefined when the URL names
 * no file (`data:`, a path ending in `/`, an empty local-files `d`).
 */
export function mediaFileName(url: string): string | undefined {
  if (url === '' || /^data:/i.test(url)) return undefined;
  const scheme = SCHEME.test(url);
  if (!scheme && !url.startsWith('/') && !/^upload\//.test(url)) return url;
  const { path, query } = splitUrl(url);
  if (/\/data\/local-files\/?$/.test(path)) {
    const d = queryParam(query, 'd');
    if (d !== undefined) return d.replace(/^\/+/, '') || undefined;
  }
  if (/\/storage-data\/uploaded\/?$/.test(path)) {
    const fp = queryParam(query, 'filepath');
    if (fp !== undefined) return lastSegment(fp);
  }
  return lastSegment(path);
}
