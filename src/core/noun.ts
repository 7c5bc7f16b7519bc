/**
 * Noun phrases that agree with their count, for the loss report: `1 polygon`, `3 polygons`,
 * `1 item's tags`, `2 items' tags`. Writers name what they drop with {@link noun}; the pipeline
 * picks the form once the count is known.
 */

/** A noun phrase in its singular and plural forms. */
export interface Noun {
  one: string;
  many: string;
}

/** A noun phrase; the plural defaults to the singular with an "s". */
export function noun(one: string, many: string = one + 's'): Noun {
  return { one, many };
}

/** The form of `what` that goes with `count`. */
export function agree(count: number, what: Noun): string {
  return count === 1 ? what.one : what.many;
}
