/**
 * The step between reading and writing that fits an item to what its target holds, by the
 * target's capabilities (FormatDescriptor.can):
 * - `oneSet`: one annotation set per item. The sets `--annotations` / `--predictions` leave out
 *   are counted as loss by name ("dropped 3 other annotation sets (--annotations latest: ...)").
 *   A drop the user asked for by giving the option is not refused by --strict; the default's is.
 * - `pixels`: the target writes pixel geometry, so an item with shapes the source gave relative to
 *   an image size it does not state (`unplaced`) is refused (MODEL_NO_SIZE) rather than written
 *   without them.
 * - `shapes`: masks traced into polygons and shapes rasterized into masks (core/shape-fit.ts).
 */
import type { Item } from '../model/types.js';
import { diag, type Place } from './diagnostics.js';
import type { FormatDescriptor, WriteContext } from './format.js';
import { noun } from './noun.js';
import type { Options } from './options.js';
import { shapeFitter } from './shape-fit.js';
import { parsePredictionRule, parseSetRule, pickSets, type SetsDropped } from './annotation-sets.js';

/** Fits one item to the target: the item to write, or undefined when it is refused (already reported). */
export type FitItem = (item: Item, place: Place) => Item | undefined;

/** The step for `target`, or undefined when its writer takes items as they are. */
export function beforeWrite(target: FormatDescriptor | undefined, options: Options, ctx: WriteContext): FitItem | undefined {
  const oneSet = target?.can.oneSet === true;
  const pixels = target?.can.pixels === true;
  const sup = target?.shapes?.(options);
  const shapes = sup ? shapeFitter(sup, options, ctx, target!.id, target!.holds?.crowd === true) : undefined;
  if (!oneSet && !pixels && !shapes) return undefined;
  const pick = oneSet ? setPicker(target!.id, options, ctx) : undefined;
  return (item, place) => {
    const out = pick ? pick(item, place) : item;
    if (out && pixels && out.unplaced) {
      ctx.report(diag('MODEL_NO_SIZE', `item ${JSON.stringify(item.id)}: ${out.unplaced} ${out.unplaced === 1 ? 'shape is' : 'shapes are'} in percent of an image size the source does not give (original_width/original_height): ${target!.id} needs pixels`, place));
      return undefined;
    }
    return out && shapes ? shapes(out, place) : out;
  };
}

function setPicker(targetId: string, options: Options, ctx: WriteContext): (item: Item, place: Place) => Item | undefined {
  const given = options.sets ?? {};
  const rule = parseSetRule(given.annotations);
  const predictions = parsePredictionRule(given.predictions);
  const ruleName = given.annotations ?? 'latest';
  const reasons: Record<keyof SetsDropped, [what: ReturnType<typeof noun>, reason: string, chosen: boolean]> = {
    other: [noun('other annotation set'), `not chosen by --annotations ${ruleName}; ${targetId} holds one set per item, --annotations all writes every set together`, given.annotations !== undefined],
    predictions: [noun('prediction set'), '--predictions exclude: predictions are not ground truth; --predictions include makes them candidates', given.predictions !== undefined],
    annotations: [noun('annotation set'), '--predictions only', true],
    cancelled: [noun('cancelled annotation set'), 'skipped or cancelled by its annotator: not ground truth', true],
  };
  return (item, place) => {
    const { item: out, dropped } = pickSets(item, rule, predictions);
    for (const k of Object.keys(reasons) as (keyof SetsDropped)[]) {
      const [what, reason, chosen] = reasons[k];
      if (dropped[k] > 0 && !ctx.lose(what, dropped[k], reason, place, chosen)) return undefined;
    }
    return out;
  };
}
