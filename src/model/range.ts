/**
 * The range of pixel values the model takes. Beyond it, a value is taken for a mistake rather than
 * a measurement: a coordinate of 1e308 is a valid JSON number, but every percent or fraction
 * target turns it into Infinity or null, which no reader takes back.
 */

/** Largest pixel coordinate, size or rotation (absolute value) the model holds. */
export const MAX_PX = 1e9;

/** True when `v` is not a number within +/- MAX_PX (NaN and infinities included). */
export const beyondPixelRange = (v: number): boolean => !(Math.abs(v) <= MAX_PX);
