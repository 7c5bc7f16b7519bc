/**
 * A value about to be written as VOC XML, made safe to write: keys that are not XML element names
 * are left out (a key from the data is never written as a tag as it is: `a b`, `x><y`, `1st`), text
 * is escaped (xml.ts), and text holding a character XML cannot carry is found.
 */
import { pointerSegment } from '../../core/diagnostics.js';
import { setOwn } from '../../core/safe.js';
import type { JsonObject } from '../../model/types.js';
import { escapeText, isElementName, notXmlChar, codePoint } from './xml.js';

export interface TreeProblems {
  /** Pointers of the keys left out. */
  dropped: string[];
  /** The first text XML cannot carry: where, and the character. */
  badText?: { at: string; char: string };
}

/** The XML-ready copy of `v`, with what was left out or found in `p`. */
export function xmlTree(v: unknown, at: string, p: TreeProblems): unknown {
  if (typeof v === 'string') {
    const i = notXmlChar(v);
    if (i >= 0) p.badText ??= { at, char: codePoint(v, i) };
    return escapeText(v);
  }
  if (v === null || v === undefined) return '';
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return v.map((x, i) => xmlTree(x, `${at}/${i}`, p));
  const out: JsonObject = {};
  for (const k of Object.keys(v)) {
    const here = `${at}/${pointerSegment(k)}`;
    // '#text' is the builder's (and the reader's) name for an element's own text beside children
    if (k !== '#text' && !isElementName(k)) {
      p.dropped.push(here);
      continue;
    }
    setOwn(out, k, xmlTree((v as JsonObject)[k], here, p));
  }
  return out;
}
