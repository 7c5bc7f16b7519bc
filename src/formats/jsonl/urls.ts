/**
 * Media URL findings for items.jsonlines (FORMATS.md §1.3). The Annotto server checks nothing of a
 * URL at upload (`data.url` is any non-empty string); what breaks, breaks later, and depends on the
 * project config:
 * - `unknown` (no --server-config): what fails either way, or fails once the project presigns;
 * - `plain` (a config without an `s3` block): the browser gets the URL as it is;
 * - `presigned` (a config with S3 credentials): every URL goes through the server's presigning
 *   (presign.ts), and a URL it cannot presign is an error: that item can never be served.
 */
import type { Code } from '../../core/codes.js';
import type { Severity } from '../../core/diagnostics.js';
import { isAwsHost, presign, type Form, type Presigned } from './presign.js';

export type UrlMode = 'unknown' | 'plain' | 'presigned';

export interface UrlFinding {
  code: Code;
  message: string;
  /** When not the code's default (an error once the project presigns). */
  severity?: Severity;
}

const NONE: readonly UrlFinding[] = [];

/**
 * A URL of plain characters (no escape, query, fragment, space or "+"): what the server makes of
 * it depends only on its origin and on whether a key follows its first path segment, so a quiet
 * result is remembered under that signature (files repeat a handful of hosts).
 */
const PLAIN = /^(https?:\/\/[^/?#%\s+]+)\/[^/?#%\s+]+(\/[^?#%\s+]*)?$/;
// (its origin has no "/", its path a non-empty first segment and no line break: see presignPlain)
const quiet = new Map<string, boolean>();

function signature(url: string, mode: UrlMode, strict: boolean): string | undefined {
  const m = PLAIN.exec(url);
  if (!m) return undefined;
  return `${mode}${strict ? '!' : ''} ${m[1]} ${m[2] !== undefined && m[2].length > 1 ? 'k' : '-'}`;
}

/**
 * Findings for one media URL in `mode`. `strict` turns the "will not display" warnings (scheme,
 * escape, virtual host, mis-parsed S3 forms) into errors.
 */
export function checkMediaUrl(url: string, mode: UrlMode, strict = false): readonly UrlFinding[] {
  const sig = signature(url, mode, strict);
  if (sig !== undefined && quiet.get(sig) === true) return NONE;
  const found = findings(url, mode, strict, sig !== undefined);
  if (sig !== undefined) {
    if (quiet.size > 10_000) quiet.clear();
    quiet.set(sig, found.length === 0);
  }
  return found;
}

function findings(url: string, mode: UrlMode, strict: boolean, plain: boolean): readonly UrlFinding[] {
  const out: UrlFinding[] = [];
  const lenient: Severity = strict ? 'error' : 'warning';
  const failing: Severity = mode === 'presigned' ? 'error' : lenient;
  // a plain URL (PLAIN) has no whitespace and an http(s) scheme: both tests are skipped
  if (!plain && /\s/.test(url)) out.push({ code: 'JSONL_URL_WHITESPACE', message: 'URL contains whitespace; encode it as %20' });
  if (!plain && !/^https?:\/\//i.test(url)) {
    out.push({ code: 'JSONL_URL_SCHEME', message: schemeMessage(url, mode), severity: failing });
    return out;
  }
  if (mode === 'plain') return out.length ? out : NONE;
  // a plain URL's reading follows from its origin's (presignPlain), without the three regexes
  const p = plain ? presignPlain(url) : presign(url);
  const presigned = mode === 'presigned';
  if (p.fails === 'escape') {
    out.push({ code: 'JSONL_URL_BAD_ESCAPE', message: `a "%" is not followed by a valid UTF-8 escape: the server's presigning (decodeURIComponent) throws on it${presigned ? ', so this item can never be served' : ' once the project has S3 credentials'}`, severity: failing });
  } else if (p.fails !== undefined) {
    const host = p.host ?? hostOf(url);
    const why = p.fails === 'key' ? `it reads "${host}" and then no object key (the bucket is the last path segment), and the S3 SDK refuses an empty key` : 'it matches none of the URL shapes the server presigns (ERROR_INVALID_S3_URI; they are lower-case http(s) with a path)';
    if (presigned) out.push({ code: 'JSONL_URL_PRESIGN_FAILS', message: `the server presigns every URL (the project has S3 credentials) and fails on this one: ${why}` });
    else if (isAwsHost(host)) out.push(misparsed(`once the project has S3 credentials, the server's presigning fails on it: ${why}; use https://s3-REGION.amazonaws.com/BUCKET/KEY`, lenient));
  } else if (p.form === 'virtual-host') {
    out.push({
      code: 'JSONL_URL_S3_VIRTUAL_HOST',
      message: `virtual-host S3 URL: presigned (when the project has S3 credentials), the server's SDK (aws-sdk 2, path style forced) asks ${p.host} for /${p.bucket}/${p.key}, the key "${p.bucket}/${p.key}", not "${p.key}"; use https://s3-${p.region}.amazonaws.com/${p.bucket}/${plain ? url.slice(url.indexOf('/', url.indexOf('//') + 2) + 1) : pathAfterHost(url)}`,
      severity: lenient,
    });
  } else if (p.form === 'generic' && isAwsHost(p.host)) {
    out.push(misparsed(`presigned (when the project has S3 credentials), it is read as the bucket "${p.bucket}" on ${p.host} and signed for the region us-central-1 (the URL names none), which AWS refuses; use https://s3-REGION.amazonaws.com/BUCKET/KEY`, lenient));
  } else if (presigned && /[?#]/.test(url)) {
    out.push(misparsed('the server presigns the query or fragment as part of the object key (its "?" and "#" are escaped into the path)', lenient));
  }
  if (!p.fails && (p.form !== 'generic' || isAwsHost(p.host)) && p.key.includes('+')) {
    out.push({ code: 'JSONL_URL_S3_PLUS', message: 'S3 key contains "+": the server does not turn it into a space; encode a space as %20' });
  }
  return out.length ? out : NONE;
}

const elsewhere = new Map<string, boolean>();

/** Whether a presigning server would send this URL to a host that is not AWS S3 (Minio, a CDN...). */
export function presignsElsewhere(url: string): boolean {
  const sig = signature(url, 'presigned', false);
  const known = sig !== undefined ? elsewhere.get(sig) : undefined;
  if (known !== undefined) return known;
  const p = sig !== undefined ? presignPlain(url) : presign(url);
  const r = p.fails === undefined && p.form === 'generic' && !isAwsHost(p.host);
  if (sig !== undefined) {
    if (elsewhere.size > 10_000) elsewhere.clear();
    elsewhere.set(sig, r);
  }
  return r;
}

function misparsed(why: string, severity: Severity): UrlFinding {
  return { code: 'JSONL_URL_S3_MISPARSED', message: `S3 URL the server mis-reads: ${why}`, severity };
}

function schemeMessage(url: string, mode: UrlMode): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  const what = scheme ? `URL scheme "${scheme}:" is not http(s)` : 'URL is not an absolute http(s) URL';
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(url);
  const hint = s3 ? `; for S3 use https://s3-REGION.amazonaws.com/${s3[1]}/${s3[2]}` : '';
  if (mode === 'presigned') return `${what}: the server presigns every URL (the project has S3 credentials) and refuses this one (ERROR_INVALID_S3_URI), so this item can never be served${hint}`;
  return `${what}: the server stores it, but no browser loads it, and a project with S3 credentials cannot presign it${hint}`;
}

function hostOf(url: string): string {
  return /^[a-z]+:\/\/([^/?#]*)/i.exec(url)?.[1] ?? '';
}

/** The URL after its host, as written (not decoded): the key to suggest. */
function pathAfterHost(url: string): string {
  return url.replace(/^https?:\/\/[^/]*\/?/i, '');
}

/** 8-4-4-4-12 hexadecimal digits (checked by hand: it runs once per item). */
export function isRfc4122(s: string): boolean {
  if (s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

/**
 * How the server's presigning reads a plain URL (one PLAIN matches) of an origin, once per origin:
 * `endpoint` characters are the endpoint, and `bucket` is the host's bucket (virtual-host form) or
 * undefined when the bucket is the path's first segment (path and generic forms).
 */
interface OriginReading {
  form: Form;
  endpoint: number;
  host: string;
  bucket: string | undefined;
  region: string;
}

const origins = new Map<string, OriginReading | null>();
const AWS_SUFFIX = '.amazonaws.com';

/**
 * {@link presign} of a plain URL, from a reading of its origin remembered across URLs (files repeat
 * a handful of origins, and the three shapes' regexes were a tenth of validating a file of image
 * items). Exact, not a guess: the shapes need "amazonaws" in their endpoint, so when neither the
 * path nor the origin holds it, or the origin ends in ".amazonaws.com" and the path does not hold
 * it, every choice their regexes make before the key lies in the origin (a plain origin has no
 * "/", its last label "com" cannot start a region, a plain path has no line break), and the same
 * choices hold for every path of that origin: only the key, and in the path and generic forms the
 * bucket (the path's first segment), differ. Other URLs go to presign itself.
 */
export function presignPlain(url: string): Presigned {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  const origin = url.slice(0, slash);
  if (url.includes('amazonaws', slash) || (origin.includes('amazonaws') && !origin.endsWith(AWS_SUFFIX))) return presign(url);
  let o = origins.get(origin);
  if (o === undefined) {
    o = readingOf(url, origin.length);
    if (origins.size > 10_000) origins.clear();
    origins.set(origin, o);
  }
  if (o === null) return presign(url);
  let at = o.endpoint;
  let bucket = o.bucket;
  if (bucket === undefined) {
    // path and generic forms: "/" BUCKET "/"? KEY after the endpoint, which is the origin
    const end = url.indexOf('/', at + 1);
    bucket = url.slice(at + 1, end < 0 ? url.length : end);
    at = end < 0 ? url.length : end + 1;
  } else if (url.charCodeAt(at) === 47) at++;
  const key = url.slice(at);
  if (key === '') return { fails: 'key', form: o.form, host: o.host };
  return { form: o.form, host: o.host, bucket, key, region: o.region };
}

/** The origin's reading, from one URL of it; null when the URL fails or the forms cannot be told apart. */
function readingOf(url: string, originChars: number): OriginReading | null {
  const p = presign(url);
  if (p.fails !== undefined) return null;
  const endpoint = url.indexOf('//') + 2 + p.host.length;
  if (p.form === 'virtual-host') {
    if (endpoint > originChars) return null;
    return { form: p.form, endpoint, host: p.host, bucket: p.bucket, region: p.region };
  }
  if (endpoint !== originChars) return null;
  return { form: p.form, endpoint, host: p.host, bucket: undefined, region: p.region };
}
