/**
 * The XML 1.0 text rules the VOC reader and writer share. VOC files have no DOCTYPE (the reader
 * refuses one), so the only references a file can hold are the five predefined entities and
 * character references; the parser is told to expand none (no entity from a document is ever
 * expanded) and they are decoded here, after parsing.
 */

/**
 * A character XML 1.0 does not allow anywhere, even escaped (its Char production): C0 controls
 * other than tab, line feed and carriage return, U+FFFE, U+FFFF, and unpaired surrogates.
 */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The index of the first character XML 1.0 cannot hold, or -1. */
export function notXmlChar(s: string): number {
  const m = NOT_XML_CHAR.exec(s);
  return m ? m.index : -1;
}

/** A character as a diagnostic can quote it: `U+0001`. */
export const codePoint = (s: string, i: number): string => 'U+' + s.codePointAt(i)!.toString(16).toUpperCase().padStart(4, '0');

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const REFERENCE = /&(?:([A-Za-z][A-Za-z0-9._-]*)|#([0-9]+)|#x([0-9A-Fa-f]+));/g;

/**
 * Element text with its references decoded; undefined when it holds one a DOCTYPE-less document
 * cannot: an undeclared entity (`&nbsp;`) or a reference to a character XML does not allow (`&#1;`).
 */
export function decodeText(raw: string): string | undefined {
  if (!raw.includes('&')) return raw;
  let bad = false;
  const out = raw.replace(REFERENCE, (whole, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (name !== undefined) {
      const v = PREDEFINED[name];
      if (v === undefined) bad = true;
      return v ?? whole;
    }
    const cp = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
    const ch = cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
    if (ch === '' || notXmlChar(ch) >= 0 || (cp >= 0xd800 && cp <= 0xdfff)) bad = true;
    return ch;
  });
  return bad ? undefined : out;
}

/**
 * Element text escaped for writing: `&`, `<` and `>` as entities, a carriage return as `&#13;`
 * (a parser turns a raw one into a line feed), and whitespace at either end as character
 * references, so that readers that trim element text (annoconv's among them) keep it. The caller
 * has made sure the text holds only characters XML allows ({@link notXmlChar}).
 */
export function escapeText(s: string): string {
  const body = s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
  return body.replace(/^\s+|\s+$/g, (ws) => [...ws].map((c) => `&#${c.charCodeAt(0)};`).join(''));
}

/**
 * Whether a key may be written as an element name as it is: a letter or `_`, then letters, digits,
 * `.`, `-`, `_` (the XML Name production without `:`, which would make a namespace prefix), not
 * starting with `xml` in any case (reserved).
 */
export function isElementName(k: string): boolean {
  return /^[\p{L}_][\p{L}\p{N}._\-\u00B7]*$/u.test(k) && !/^xml/i.test(k);
}

/** 1-based line and column of an index into a text (columns in UTF-16 units, as editors count). */
export function lineColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: index - start + 1 };
}
