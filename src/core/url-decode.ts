/** `s` percent-decoded; `s` itself when it holds a broken escape (a file name is still wanted). */
export function decodeOrKeep(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
