/**
 * Encord object URLs (FORMATS.md §2.2, §3.2), checked by shape: Multi-Region Access Point URLs
 * (`https://arn:aws:s3::ACCOUNT:accesspoint/...`) are valid but fail WHATWG URL parsing, so `new URL`
 * is never the judge. An object path without a scheme (`path/to/storage-location/frame1.jpg`, as in
 * Encord's CSV example) is not a URL; `--url-prefix` joins it to the bucket's URL.
 */
import { hasScheme, joinUrl } from '../../core/object-url.js';
import type { Finding } from './entries.js';

/** Longest URL Encord registers (its documentation). */
export const MAX_URL_BYTES = 16 * 1024;

/** A cloud object URL by shape: scheme://rest, no whitespace. */
const URL_SHAPE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s]+$/;
const MRAP = /^https:\/\/arn:aws:s3::\d*:accesspoint\//;

const shown = (s: string): string => JSON.stringify(s.slice(0, 120));

/**
 * One objectUrl, checked; `at` is its pointer suffix. A path without a scheme becomes a URL with
 * `prefix` (--url-prefix) and is an error naming that option without it. Returns the URL, or
 * undefined after an error finding.
 */
export function objectUrl(value: unknown, at: string, f: Finding[], prefix?: string): string | undefined {
  if (typeof value !== 'string' || value === '') {
    f.push({ code: value === undefined ? 'ENCORD_URL_MISSING' : 'ENCORD_FIELD_TYPE', message: `${at.slice(1) || 'objectUrl'} must be a non-empty string`, at });
    return undefined;
  }
  // outer whitespace is refused as it is, whatever the value (inner spaces of a path are encoded)
  if (hasScheme(value) || value.trim() !== value) return checkUrl(value, at, f) ? value : undefined;
  if (prefix === undefined) {
    f.push({ code: 'ENCORD_URL_INVALID', message: `${shown(value)} is an object path, not a URL (scheme://...): --url-prefix makes URLs of paths (e.g. --url-prefix https://BUCKET.s3.REGION.amazonaws.com/)`, at });
    return undefined;
  }
  const url = joinUrl(prefix, value);
  return checkUrl(url, at, f) ? url : undefined;
}

/** Check one URL by shape; `at` is its pointer suffix. */
export function checkUrl(url: unknown, at: string, f: Finding[]): url is string {
  if (typeof url !== 'string' || url === '') {
    f.push({ code: url === undefined ? 'ENCORD_URL_MISSING' : 'ENCORD_FIELD_TYPE', message: `${at.slice(1) || 'objectUrl'} must be a non-empty string`, at });
    return false;
  }
  if (/\s/.test(url)) {
    f.push({ code: 'ENCORD_URL_WHITESPACE', message: `the URL contains whitespace: ${shown(url)}`, at });
    return false;
  }
  if (Buffer.byteLength(url) > MAX_URL_BYTES) {
    f.push({ code: 'ENCORD_LIMIT', message: `the URL is longer than ${MAX_URL_BYTES} bytes`, at });
    return false;
  }
  if (!URL_SHAPE.test(url)) {
    const hint = hasScheme(url) ? '' : ': --url-prefix makes URLs of object paths';
    f.push({ code: 'ENCORD_URL_INVALID', message: `not a URL (scheme://...): ${shown(url)}${hint}`, at });
    return false;
  }
  if (MRAP.test(url)) f.push({ code: 'ENCORD_URL_MRAP', message: 'a Multi-Region Access Point URL: valid for Encord, though generic URL parsers reject it', at, severity: 'warning' });
  return true;
}
