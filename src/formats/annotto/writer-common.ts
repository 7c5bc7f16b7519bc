/**
 * What the predictions and annotations writers share: the task plan (from `--annotto-config`, or
 * made from the labels), the project config written with `--config-out`, and the run-level notes.
 *
 * The config written is the `project` file of an Annotto project import: `name`, `client` and
 * `type` (both required by the server's config schema), `tasks` (`category`, `type`, `value`,
 * `label`), `filterPredictionsMinimum` (written out, 0.4 unless the given config says otherwise:
 * classification predictions with a proba not above it are hidden) and, when relations were
 * written, an `entitiesRelationsGroup` naming their labels (the import refuses a relation label
 * in no group). With `--annotto-config` it is that config. An `s3` block is never written:
 * credentials stay with whoever holds them.
 */
import { basename, dirname, resolve } from 'node:path';
import { diag, type Place } from '../../core/diagnostics.js';
import type { WriteContext } from '../../core/format.js';
import type { Item, JsonObject } from '../../model/types.js';
import { loadProjectConfig, type ProjectConfig } from './config.js';
import { TaskPlan } from './plan.js';
import type { Written } from './to-annotto.js';

export interface WriterState {
  plan: TaskPlan;
  config?: ProjectConfig;
  /** The project type: the config's, else the first item's kind. */
  type?: string;
  /** Predictions written with a proba at or under filterPredictionsMinimum. */
  hidden: number;
  probaFilled: number;
  configOut?: string;
}

export async function writerState(ctx: WriteContext): Promise<WriterState> {
  const f = ctx.options.format;
  const config = typeof f.annottoConfig === 'string' ? await loadProjectConfig(f.annottoConfig) : undefined;
  const category = typeof f.annottoCategory === 'string' ? f.annottoCategory : undefined;
  return {
    plan: new TaskPlan(config, category),
    ...(config ? { config } : {}),
    ...(config?.type ? { type: config.type } : {}),
    hidden: 0,
    probaFilled: 0,
    ...(typeof f.configOut === 'string' ? { configOut: f.configOut } : {}),
  };
}

/** Notes the item's kind against the project type (one type a project). */
export function checkProjectType(st: WriterState, item: Item, place: Place, ctx: WriteContext): void {
  if (st.type === undefined) st.type = item.kind;
  else if (item.kind !== st.type) ctx.report(diag('ANNOTTO_PROJECT_TYPE', `item ${JSON.stringify(item.id)} is ${item.kind}, the project ${st.type}: an Annotto project holds items of one type`, place));
}

/** Counts the probas the project would hide. */
export function notePredictions(st: WriterState, w: Written): void {
  const min = st.config?.filterMinimum ?? 0.4;
  st.hidden += w.probas.filter((p) => !(p > min)).length;
  st.probaFilled += w.probaFilled;
}

/** The run-level notes and the config file, once every item is written. */
export async function finish(st: WriterState, ctx: WriteContext): Promise<void> {
  const min = st.config?.filterMinimum ?? 0.4;
  if (st.hidden) ctx.report(diag('ANNOTTO_SCORE_HIDDEN', `${st.hidden} classification prediction(s) have a proba at or under ${min}, the project's filterPredictionsMinimum${st.config ? '' : ' (the server default)'}: Annotto hides them (set filterPredictionsMinimum lower in the project config to show them)`, {}, 'warning'));
  if (st.probaFilled) ctx.report(diag('ANNOTTO_PROBA_FILLED', `${st.probaFilled} classification(s) without a score were written with proba 1 (Annotto predictions need one)`, {}, 'info'));
  if (st.configOut === undefined) return;
  const sink = await ctx.openFile(st.configOut);
  sink.write(JSON.stringify(projectConfig(st, ctx), null, 2) + '\n');
}

function projectConfig(st: WriterState, ctx: WriteContext): JsonObject {
  if (st.config) {
    const out: JsonObject = { ...st.config.raw };
    delete out.s3;
    return out;
  }
  const f = ctx.options.format;
  // by default the folder the config goes to, where a project's files are gathered for upload
  const name = typeof f.annottoProject === 'string' ? f.annottoProject : basename(dirname(resolve(st.configOut!))) || 'annoconv';
  const out: JsonObject = {
    name,
    client: typeof f.annottoClient === 'string' ? f.annottoClient : 'annoconv',
    type: st.type ?? 'image',
    tasks: st.plan.tasks().map((t) => ({ category: t.category, type: t.type, value: t.value, label: t.label })),
    filterPredictionsMinimum: 0.4,
  };
  if (st.plan.relationLabels.length) {
    out.entitiesRelationsGroup = [{ name: 'Relations', values: st.plan.relationLabels.map((l) => ({ value: l, label: l })) }];
  }
  return out;
}
