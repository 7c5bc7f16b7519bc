/**
 * Keys from data are data: `__proto__`, `constructor` and `prototype` must never reach a prototype.
 * Use these instead of `obj[key] = value` whenever `key` comes from an input file.
 */

/** Set an own, enumerable property, even for the key "__proto__". */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** Own property read that never walks the prototype chain. */
export function getOwn(obj: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}
