/**
 * URL rules of the Annotto server for media items (FORMATS.md §1.3): http(s) only; S3 shapes its
 * parser reads right (`s3-REGION.amazonaws.com/BUCKET/KEY`, `BUCKET.s3.REGION.amazonaws.com/KEY`,
 * `BUCKET.s3-REGION.amazonaws.com/KEY`) and those it silently mis-parses.
 */
import type { Code } from '../../core/codes.js';

export interface UrlFinding {
  code: Code;
  message: string;
}

const SCHEME = /^https?:\/\//i;
const HOST_AND_KEY = /^https?:\/\/([^/?#]*)\/?([^?#]*)/i;
const PATH_STYLE_DASH = /^s3-[a-z0-9-]+\.amazonaws\.com(?::\d+)?$/i;
const VIRTUAL_HOST = /^(.+)\.s3[.-]([a-z0-9-]+)\.amazonaws\.com(?::\d+)?$/i;

const NONE: readonly UrlFinding[] = [];
const byOrigin = new Map<string, { findings: readonly UrlFinding[]; s3: boolean }>();
/** The origin of the previous URL: consecutive items nearly always share it. */
let last: { origin: string; findings: readonly UrlFinding[]; s3: boolean } | undefined;

/**
 * Findings for one media URL. Everything but whitespace and the S3 key depends only on the
 * scheme and host, so that part is worked out once per origin (files repeat a handful of hosts).
 */
export function checkMediaUrl(url: string): readonly UrlFinding[] {
  if (/\s/.test(url)) return checkMediaUrlFull(url);
  let origin: string;
  let c: { findings: readonly UrlFinding[]; s3: boolean } | undefined;
  if (last && url.startsWith(last.origin) && url.charCodeAt(last.origin.length) === 47) {
    origin = last.origin;
    c = last;
    if (c.s3 && url.indexOf('+', origin.length) >= 0) return [...c.findings, PLUS];
    return c.findings.length ? c.findings : NONE;
  } else {
    const m = /^https?:\/\/[^/?#]*/i.exec(url);
    if (!m) return checkMediaUrlFull(url);
    origin = m[0];
    c = byOrigin.get(origin);
  }
  if (!c) {
    const findings = checkMediaUrlFull(origin + '/');
    c = { findings, s3: isS3Host(origin) };
    if (byOrigin.size > 10_000) byOrigin.clear();
    byOrigin.set(origin, c);
  }
  if (c !== last) last = { origin, findings: c.findings, s3: c.s3 };
  if (c.s3 && url.indexOf('+', origin.length) >= 0) return [...c.findings, PLUS];
  return c.findings.length ? c.findings : NONE;
}

const PLUS: UrlFinding = { code: 'JSONL_URL_S3_PLUS', message: 'S3 key contains "+": the server does not turn it into a space; encode a space as %20' };

/** An https URL on an amazonaws.com S3 host (any of the forms, well parsed or not). */
export function isS3Url(url: string): boolean {
  const m = /^https?:\/\/[^/?#]*/i.exec(url);
  return m !== null && isS3Host(m[0]);
}

function isS3Host(origin: string): boolean {
  return /\.?amazonaws\.com(?::\d+)?$/i.test(origin) && /(^|[./])s3[.-]/i.test(origin);
}

function checkMediaUrlFull(url: string): UrlFinding[] {
  const out: UrlFinding[] = [];
  if (!SCHEME.test(url)) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
    out.push({
      code: 'JSONL_URL_SCHEME',
      message: scheme
        ? `URL scheme "${scheme}:" is not accepted; the server takes http(s) URLs only (for S3 use https://BUCKET.s3.REGION.amazonaws.com/KEY)`
        : 'URL is not an absolute http(s) URL',
    });
  }
  if (/\s/.test(url)) out.push({ code: 'JSONL_URL_WHITESPACE', message: 'URL contains whitespace; encode it as %20' });
  const m = HOST_AND_KEY.exec(url);
  if (!m) return out;
  const host = m[1]!;
  const key = m[2]!;
  if (!/\.?amazonaws\.com(?::\d+)?$/i.test(host)) return out;
  let s3 = true;
  if (PATH_STYLE_DASH.test(host)) {
    // form 1: fine
  } else {
    const vh = VIRTUAL_HOST.exec(host);
    if (vh && !vh[1]!.includes('.') && vh[2]!.toLowerCase() !== 'amazonaws') {
      // forms 2 and 3: fine
    } else if (vh && vh[1]!.includes('.')) {
      out.push({
        code: 'JSONL_URL_S3_MISPARSED',
        message: `bucket name "${vh[1]}" contains dots: the server takes only its first label as the bucket`,
      });
    } else if (/^(.+\.)?s3(\.[a-z0-9-]+)?\.amazonaws\.com/i.test(host)) {
      out.push({
        code: 'JSONL_URL_S3_MISPARSED',
        message: `S3 URL form "${host}" is not one the server parses (it reads the wrong bucket); use https://BUCKET.s3.REGION.amazonaws.com/KEY`,
      });
    } else {
      s3 = false;
    }
  }
  if (s3 && key.includes('+')) out.push(PLUS);
  return out;
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
