/**
 * The training options of issue 17 as page controls, shared by every page that trains an MLP (the
 * MNIST page, the neuron lab): Nesterov, weight decay λ, dropout p, the η schedule with its
 * horizon in epochs, and warm-up. One schema fragment (URL names = the train CLI's flag names),
 * one mapping to the module's TrainingOptions, one mapping to the CLI's flags. Defaults change no
 * bit, no command and no file.
 */
import {scheduleNames, type TrainingOptions} from "../nn/index.js";
import {choice, number, type Values} from "./params.js";
import {MAX_EPOCHS, WARMUP_RANGE, WEIGHT_DECAY_RANGE} from "./limits.js";

/** Largest dropout p the pages and their URLs accept (the module takes any p < 1). */
export const MAX_PAGE_DROPOUT = 0.99;

/** The controls (spread into a page's schema). */
export const advancedSchema = {
  "weight-decay": number(0, {min: WEIGHT_DECAY_RANGE[0], max: WEIGHT_DECAY_RANGE[1]}),
  nesterov: choice(["off", "on"] as const, "off"),
  /** p < 1 (every unit dropped trains nothing): the pages stop at 0.99. */
  dropout: number(0, {min: 0, max: MAX_PAGE_DROPOUT}),
  schedule: choice(scheduleNames, "constant"),
  warmup: number(0, {min: WARMUP_RANGE[0], max: WARMUP_RANGE[1], integer: true}),
  /** The schedule's horizon in epochs of the page's training set (the CLI takes it in epochs too, with --horizon). */
  horizon: number(3, {min: 1, max: MAX_EPOCHS, integer: true}),
};

export type AdvancedKey = keyof typeof advancedSchema;
/** The controls' values; optional, so values written before they existed (tests, files) mean the defaults. */
export type AdvancedValues = Partial<Values<typeof advancedSchema>>;

/** Updates in `epochs` passes over `trainCount` samples at minibatch size `batch` (the last minibatch of an epoch may be smaller). */
export const updatesPerEpochs = (epochs: number, trainCount: number, batch: number): number => epochs * Math.ceil(trainCount / Math.min(batch, trainCount));

/**
 * The options the controls set, only those that differ from their defaults: Nesterov only with the
 * momentum optimiser, a schedule's horizon as `horizon` epochs of `trainCount` samples in updates.
 */
export function advancedTraining(values: AdvancedValues, {optimizer, batch, trainCount}: {optimizer: TrainingOptions["optimizer"]; batch: number; trainCount: number}): Partial<TrainingOptions> {
  const d = advancedSchema;
  const {"weight-decay": weightDecay = 0, nesterov = d.nesterov.default, dropout = 0, schedule = d.schedule.default, warmup = 0, horizon = d.horizon.default} = values;
  const extra: Partial<TrainingOptions> = {};
  if (weightDecay > 0) extra.weightDecay = weightDecay;
  if (nesterov === "on" && optimizer === "momentum") extra.nesterov = true;
  if (dropout > 0) extra.dropout = dropout;
  if (schedule !== "constant") {
    extra.schedule = schedule;
    extra.totalSteps = updatesPerEpochs(horizon, trainCount, batch);
  }
  if (warmup > 0) extra.warmup = warmup;
  return extra;
}

/**
 * The train CLI's flags for those options (added to a command only when they take effect);
 * `horizon` whenever a schedule is on or the horizon control is not at its default.
 */
export function advancedFlags(values: AdvancedValues, training: Partial<TrainingOptions>): Record<string, string | number | boolean> {
  const extra: Record<string, string | number | boolean> = {};
  if (training.weightDecay) extra["weight-decay"] = training.weightDecay;
  if (training.nesterov) extra.nesterov = true;
  if (training.dropout) extra.dropout = training.dropout;
  const horizon = values.horizon ?? advancedSchema.horizon.default;
  if (training.schedule) extra.schedule = training.schedule;
  if (training.schedule || horizon !== advancedSchema.horizon.default) extra.horizon = horizon;
  if (training.warmup) extra.warmup = training.warmup;
  return extra;
}

/** How the pages label and lay out these controls (views/settings.ts ControlSpec, kept free of the DOM here). */
export const advancedSpecs = {
  nesterov: {label: "Nesterov momentum", kind: "radio", format: (d: string) => (d === "on" ? "on" : "off")},
  "weight-decay": {label: "Weight decay λ", name: "λ"},
  dropout: {label: "Dropout p", name: "p"},
  schedule: {label: "η schedule", format: (d: string) => ({constant: "constant", step: "step (×0.1 at 50 % and 75 %)", cosine: "cosine to 0", "one-cycle": "one-cycle (peak η at 30 %)"})[d] ?? d},
  warmup: {label: "Warm-up (updates)", name: "warm-up"},
  horizon: {label: "Schedule horizon (epochs)", name: "horizon"},
} as const;

/**
 * What the controls do to a run, in one sentence for the page (the README's "Training conventions"
 * has the formulas). `optimizer` is the page's choice ("sgd" means SGD with momentum μ when μ > 0).
 */
export function describeAdvanced(v: AdvancedValues & {optimizer: string; momentum: number; batch: number}, trainCount: number): string {
  const d = advancedSchema;
  const {"weight-decay": weightDecay = 0, nesterov = d.nesterov.default, dropout = 0, schedule = d.schedule.default, warmup = 0, horizon = d.horizon.default} = v;
  const perEpoch = updatesPerEpochs(1, trainCount, v.batch);
  const parts: string[] = [];
  if (nesterov === "on") parts.push(v.optimizer === "sgd" && v.momentum > 0 ? "Nesterov momentum" : "Nesterov is ignored without SGD momentum (μ > 0)");
  if (weightDecay > 0) parts.push(`${v.optimizer === "adamw" ? "decoupled" : "L2"} weight decay λ = ${weightDecay} on the weights (not the biases)`);
  if (dropout > 0) parts.push(`dropout p = ${dropout} on every hidden layer while training (none when testing)`);
  if (schedule !== "constant") parts.push(`${schedule} schedule over ${horizon} epoch${horizon === 1 ? "" : "s"} = ${(horizon * perEpoch).toLocaleString("en")} updates of this training set`);
  if (warmup > 0) parts.push(`η warms up linearly over the first ${warmup.toLocaleString("en")} updates`);
  return parts.length
    ? `This run: ${parts.join("; ")}.`
    : `The schedule's horizon counts epochs of the ${trainCount.toLocaleString("en")} training digits (${perEpoch.toLocaleString("en")} updates each at B = ${v.batch}). All off: plain training.`;
}
