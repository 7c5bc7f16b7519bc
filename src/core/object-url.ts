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

/** A function from a relative path (with `/` separators) to its URL; checks the options once. */
export function objectUrls(o: UrlOptions): (rel: string) => string {
  const style = o.style ?? 's3';
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(o.prefix);
  if (style === 's3' || !m) {
    if (style !== 's3') throw new AnnoconvError(diag('OPTION_INVALID', `--url-style ${style} renders an s3://BUCKET/PREFIX --url-prefix; got ${JSON.stringify(o.prefix)}`), 2);
    return (rel) => o.prefix + encodePath(rel);
  }
  const bucket = m[1]!;
  const key = m[2] === '' || m[2]!.endsWith('/') ? m[2]! : m[2] + '/';
  if ((style === 'virtual' || style === 'path') && !o.region) throw new AnnoconvError(diag('OPTION_INVALID', `--url-style ${style} needs --s3-region (S3 URLs without a region are mis-parsed by some servers)`), 2);
  if (style === 'custom' && !o.endpoint) throw new AnnoconvError(diag('OPTION_INVALID', '--url-style custom needs --s3-endpoint (e.g. https://minio.example.org:9000)'), 2);
  if (style === 'virtual' && bucket.includes('.')) throw new AnnoconvError(diag('OPTION_INVALID', `bucket ${JSON.stringify(bucket)} has dots: its virtual-host URL is mis-parsed; use --url-style path`), 2);
  const base = style === 'virtual' ? `https://${bucket}.s3.${o.region}.amazonaws.com/` : style === 'path' ? `https://s3-${o.region}.amazonaws.com/${bucket}/` : `${o.endpoint!.replace(/\/+$/, '')}/${bucket}/`;
  return (rel) => base + encodePath(key + rel);
}
