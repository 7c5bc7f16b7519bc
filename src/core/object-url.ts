/**
 * Object URLs for files below a scanned folder (FORMATS.md §1.3): `--url-prefix` plus the path,
 * with path segments percent-encoded (a space is %20, never "+", which servers do not decode). An
 * `s3://bucket/prefix/` prefix can be rendered in the form a target accepts (`--url-style`):
 * `virtual` https://BUCKET.s3.REGION.amazonaws.com/KEY (the form every S3 parser reads), `path`
 * https://s3-REGION.amazonaws.com/BUCKET/KEY, `custom` ENDPOINT/BUCKET/KEY (Minio and other
 * S3-compatible hosts), or `s3` as given.
 */
import { AnnoconvError, diag } from './diagnostics.js';

export type UrlStyle = 's3' | 'virtual' | 'path' | 'custom';

export interface UrlOptions {
  prefix: string;
  style?: UrlStyle;
  region?: string;
  endpoint?: string;
}

const encodePath = (p: string): string => p.split('/').map((s) => encodeURIComponent(s)).join('/');

/** Whether a string starts with a URL scheme (`https:`, `s3:`, ...): a URL rather than a path. */
export function hasScheme(s: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s);
}

/**
 * `prefix` and a relative path joined with exactly one "/" (`./` and leading slashes of the path
 * dropped), the path's segments percent-encoded: `s3://b/imgs` + `a b.jpg` = `s3://b/imgs/a%20b.jpg`.
 */
export function joinUrl(prefix: string, path: string): string {
  const base = /:\/\/$/.test(prefix) ? prefix : prefix.replace(/\/+$/, '') + '/';
  return base + encodePath(path.replace(/^(?:\.?\/)+/, ''));
}

/**
 * The URL of an item's media: `url` when it has a scheme; else, with `prefix` (--url-prefix), the
 * prefix joined to the scheme-less `url` or to `path`; else `url` as it is (a writer's URL check
 * then refuses it), or undefined.
 */
export function mediaUrl(url: string | undefined, path: string | undefined, prefix: string | undefined): string | undefined {
  if (url !== undefined && (hasScheme(url) || prefix === undefined)) return url;
  const rel = url ?? path;
  return rel !== undefined && prefix !== undefined ? joinUrl(prefix, rel) : undefined;
}

/** A function from a relative path (with `/` separators) to its URL; checks the options once. */
export function objectUrls(o: UrlOptions): (rel: string) => string {
  const style = o.style ?? 's3';
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(o.prefix);
  if (style === 's3' || !m) {
    if (style !== 's3') throw new AnnoconvError(diag('OPTION_INVALID', `--url-style ${style} renders an s3://BUCKET/PREFIX --url-prefix; got ${JSON.stringify(o.prefix)}`), 2);
    return (rel) => joinUrl(o.prefix, rel);
  }
  const bucket = m[1]!;
  const key = m[2] === '' || m[2]!.endsWith('/') ? m[2]! : m[2] + '/';
  if ((style === 'virtual' || style === 'path') && !o.region) throw new AnnoconvError(diag('OPTION_INVALID', `--url-style ${style} needs --s3-region (S3 URLs without a region are mis-parsed by some servers)`), 2);
  if (style === 'custom' && !o.endpoint) throw new AnnoconvError(diag('OPTION_INVALID', '--url-style custom needs --s3-endpoint (e.g. https://minio.example.org:9000)'), 2);
  if (style === 'virtual' && bucket.includes('.')) throw new AnnoconvError(diag('OPTION_INVALID', `bucket ${JSON.stringify(bucket)} has dots: its virtual-host URL is mis-parsed; use --url-style path`), 2);
  const base = style === 'virtual' ? `https://${bucket}.s3.${o.region}.amazonaws.com/` : style === 'path' ? `https://s3-${o.region}.amazonaws.com/${bucket}/` : `${o.endpoint!.replace(/\/+$/, '')}/${bucket}/`;
  return (rel) => base + encodePath(key + rel);
}
