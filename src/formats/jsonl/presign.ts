/**
 * How the Annotto server reads a media URL when it presigns it (FORMATS.md §1.3). With S3
 * credentials in the project config, every item it serves goes through S3Client.getSignedUrl
 * (src/core/s3-client.ts): `decodeURIComponent(url)` (a bad `%` escape throws), then the first of
 * three shapes that matches the decoded text (none: ERROR_INVALID_S3_URI), then aws-sdk 2 with
 * `s3ForcePathStyle: true` on the parsed endpoint, which asks that host for `/BUCKET/KEY` and
 * refuses an empty key ("Expected uri parameter to have length >= 1 ... params.Key").
 *
 * The shapes are tried in the server's order and with its semantics: they are case-sensitive
 * (`HTTPS://` matches none), `.` between host labels is any character there, `.` elsewhere
 * stops at a line break, and the key is whatever follows the bucket, query and fragment included.
 */

/** What the server's presigning makes of a URL. */
export type Presigned =
  | { fails: 'escape' | 'shape' | 'key'; form?: Form; host?: string }
  | { fails?: undefined; form: Form; host: string; bucket: string; key: string; region: string };

/**
 * `path`: https://s3-REGION.amazonaws.com/BUCKET/KEY; `virtual-host`: https://BUCKET.s3.REGION
 * or BUCKET.s3-REGION .amazonaws.com/KEY; `generic`: https://HOST/BUCKET/KEY (Minio style).
 */
export type Form = 'path' | 'virtual-host' | 'generic';

const PATH_DASH = /^(?<endpoint>https?:\/\/s3-(?<region>[^.]+).amazonaws.com)\/(?<bucket>[^/]+)\/?(?<key>.*?)$/;
const VIRTUAL_HOST = /^(?<endpoint>https?:\/\/(?<bucket>[^.]+).(?:s3-|s3\.)(?<region>[^.]+).amazonaws.com)\/?(?<key>.*?)$/;
const GENERIC = /^(?<endpoint>https?:\/\/(?:.*?))\/(?<bucket>[^/]+)\/?(?<key>.*?)$/;

const SHAPES: readonly [Form, RegExp][] = [['path', PATH_DASH], ['virtual-host', VIRTUAL_HOST], ['generic', GENERIC]];

/** The server's reading of `url` when it presigns it. */
export function presign(url: string): Presigned {
  let decoded = url;
  if (url.includes('%')) {
    try {
      decoded = decodeURIComponent(url);
    } catch {
      return { fails: 'escape' };
    }
  }
  for (const [form, re] of SHAPES) {
    const g = re.exec(decoded)?.groups;
    if (!g) continue;
    const host = g.endpoint!.replace(/^https?:\/\//, '');
    // the SDK refuses an empty key before it signs anything
    if (g.key === '') return { fails: 'key', form, host };
    return { form, host, bucket: g.bucket!, key: g.key!, region: g.region ?? '' };
  }
  return { fails: 'shape' };
}

/** An amazonaws.com host (a port aside), S3 or not: the server's shapes would have claimed it. */
export function isAwsHost(host: string): boolean {
  return /(^|\.)amazonaws\.com(:\d+)?$/i.test(host.replace(/^[^@/]*@/, ''));
}
